namespace SymbolicGrad;

/// <summary>
/// Marks a method as the derivative rule of a function: every <see cref="DifferentiableAttribute"/> method that calls
/// the function uses the rule instead of differentiating the function's body (which may then contain any code).
/// </summary>
/// <remarks>
/// <para>For a static function <c>T F(…)</c> of <c>double</c>/<c>float</c> values the rule has exactly the signature
/// SymbolicGrad would give <c>FGradient</c>: <c>static T Rule(&lt;F's parameters&gt;, out T dParam …)</c>, returning
/// F's value and one <c>out</c> per differentiable parameter of F (its <c>[NoDiff]</c>, <c>int</c> and <c>bool</c>
/// parameters get none; an array or span parameter gets a <c>Span&lt;T&gt; dName</c>, added into).</para>
/// <para>For a static function returning a <see cref="Vec"/> (a custom layer) the rule is a pullback:
/// <c>static void Rule(&lt;F's parameters&gt;, Vec dResult, &lt;one Vec or Mat dParam per differentiable Vec/Mat parameter&gt;)</c>,
/// adding Jᵀ·dResult into each buffer. A model method may call such a function (a custom layer): the generated code
/// computes its value with the overload <c>static void F(&lt;F's parameters&gt;, Vec result)</c>, which overwrites
/// <c>result</c> (so a training step allocates nothing), and calls the rule once per sample and per parameter whose
/// gradient it needs. <see cref="ResultLength"/> says how long the result is.</para>
/// <para>Callers in code on <see cref="Vec"/> and <see cref="Mat"/> (model methods) call a rule of a function of values
/// once per sample, on values of vectors such as <c>F(Ops.Sum(x))</c>.</para>
/// <para>A rule gives first derivatives: gradients and forward mode (<c>NameJvp</c>) use it; a Hessian through a call
/// to F is a compile-time error. Check a rule against finite differences with
/// <see cref="GradientCheck.Function(ScalarFunction, ScalarGradient, double[], double, double)"/>.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    /// <summary>The rule of <paramref name="function"/>, a static method of the rule's own type.</summary>
    /// <param name="function">The function's name; write <c>nameof(F)</c>.</param>
    public DerivativeOfAttribute(string function)
    {
        Function = function;
    }

    /// <summary>The rule of <paramref name="function"/>, a static method of <paramref name="type"/>.</summary>
    /// <param name="type">The type that declares the function.</param>
    /// <param name="function">The function's name; write <c>nameof(T.F)</c>.</param>
    public DerivativeOfAttribute(Type type, string function)
    {
        Type = type;
        Function = function;
    }

    /// <summary>The type that declares the function; null for the rule's own type.</summary>
    public Type? Type { get; }

    /// <summary>The function's name.</summary>
    public string Function { get; }

    /// <summary>
    /// For a function returning a <see cref="Vec"/> (a custom layer): the length of its result, as the name of one of
    /// its parameters — a <see cref="Vec"/>'s length (<c>ResultLength = nameof(b)</c>), or a <see cref="Mat"/>'s rows or
    /// columns (<c>ResultLength = nameof(W) + ".Rows"</c>). Null: the length of the function's only Vec parameter (an
    /// element-wise layer).
    /// </summary>
    public string? ResultLength { get; set; }
}
