namespace SymbolicGrad;

/// <summary>
/// Marks a method whose gradient SymbolicGrad generates at compile time.
/// </summary>
/// <remarks>
/// For a static scalar method <c>T Name(...)</c> the generator adds, in the same partial type,
/// <c>T NameGradient(&lt;same parameters&gt;, out T dParam …)</c>: it returns the function's value and one
/// derivative per differentiable parameter, named <c>d</c> + the parameter name with its first letter upper-cased.
/// Constructs that cannot be differentiated are reported as compile-time diagnostics (<c>SG0001</c>…).
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>
    /// Also generate the method's forward and backward graph as Mermaid text: a <c>public const string NameGraph</c> (write
    /// it to a Markdown file with <see cref="Graphs.WriteMarkdown"/>), repeated in
    /// the generated file's header comment. It shows each value's math, which values the backward pass reads from memory,
    /// which it recomputes, and which overwrite a buffer nothing reads any more.
    /// </summary>
    public bool Graph { get; set; }

    /// <summary>
    /// Also generate forward mode: <c>T NameJvp(&lt;same parameters&gt;, &lt;one tangent per differentiable parameter&gt;, out T tangent)</c>
    /// returns the value and the directional derivative ∇f·t in one forward sweep. A tangent is <c>T tName</c> for a
    /// scalar parameter and <c>ReadOnlySpan&lt;T&gt; tName</c> (of the array's length) for an array or span.
    /// </summary>
    /// <remarks>For static functions of <c>double</c>/<c>float</c> values and arrays (loops included).</remarks>
    public bool Jvp { get; set; }

    /// <summary>
    /// Also generate second derivatives. When every differentiable parameter is a scalar:
    /// <c>T NameHessian(&lt;same parameters&gt;, Span&lt;T&gt; gradient, Span&lt;T&gt; hessian)</c> writes the gradient
    /// (n entries, in parameter order) and the n×n Hessian (row-major, symmetric) and returns the value. Always:
    /// the Hessian-vector product <c>T NameHvp(&lt;same parameters&gt;, &lt;tangents as NameJvp&gt;, &lt;gradient as NameGradient&gt;, &lt;H·t as hvName&gt;)</c>,
    /// its H·t parts named <c>hv</c> + the parameter's name (an <c>out T</c> for a scalar, a <c>Span&lt;T&gt;</c> added into for an array).
    /// </summary>
    /// <remarks>
    /// Symbolic forward-over-reverse: exact wherever the arithmetic is. A call to a function whose derivative is a
    /// <see cref="DerivativeOfAttribute"/> rule (first order only) is a compile-time error here.
    /// </remarks>
    public bool Hessian { get; set; }
}
