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
}
