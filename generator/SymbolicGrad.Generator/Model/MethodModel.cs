using SymbolicGrad.Generator.Graph;

namespace SymbolicGrad.Generator.Model;

/// <summary>A type that encloses the method, as the generated partial declaration must repeat it.</summary>
/// <param name="Keyword">class, struct, interface, record or record struct.</param>
/// <param name="Name">The name with its type parameter list, e.g. <c>Box&lt;T&gt;</c>.</param>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>A parameter of the user's method.</summary>
/// <param name="Name">The name as written in C# (with @ where needed).</param>
/// <param name="Kind">Its type.</param>
/// <param name="IsDifferentiable">Whether it gets an <c>out</c> gradient.</param>
/// <param name="GradientName"><c>d</c> + the name with its first letter upper-cased.</param>
/// <param name="Input">The DAG node of its value on entry.</param>
/// <param name="Location">Its declaration, for warnings.</param>
/// <param name="IsField">A Vec or Mat field of a model (its gradient goes to <c>Parameters.Gradients</c>), not a method parameter.</param>
internal sealed record ParameterInfo(string Name, ScalarKind Kind, bool IsDifferentiable, string GradientName, int Input, LocationInfo? Location,
    bool IsField = false);

/// <summary>Whether the generated code makes a model an <c>ITrainable</c>, and with which targets.</summary>
internal enum TrainableKind
{
    None,
    /// <summary><c>float Loss(Vec x, int label)</c>: a classifier.</summary>
    Labels,
    /// <summary><c>float Loss(Vec x, Vec target)</c>: a regression.</summary>
    Values,
}

/// <summary>A forward node that holds the value of a user's local variable.</summary>
internal sealed record NodeName(int Node, string Name);

/// <summary>
/// Everything the later stages need to know about one [Differentiable] method, as plain equatable data:
/// where the generated code goes, the signature, the forward DAG of its body, and the names generated code must not take.
/// </summary>
/// <param name="NamesInScope">The members of the type and its base types, the enclosing types and their type parameters,
/// and the members other [Differentiable] methods generate (see <c>Parsing/ScopeNames</c>).</param>
internal sealed record MethodModel(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Name,
    string Accessibility,
    ScalarKind ReturnKind,
    EquatableArray<ParameterInfo> Parameters,
    string HintName,
    string DocumentationId,
    bool QualifyMath,
    Dag Graph,
    int Output,
    EquatableArray<NodeName> LocalNames,
    LocationInfo? Location,
    bool IsNetwork = false,
    TrainableKind Trainable = TrainableKind.None,
    bool IsStatic = false,
    EquatableArray<string> NamesInScope = default)
{
    public string GradientMethodName => Name + "Gradient";
}

/// <summary>The outcome of parsing: a model when the method can be differentiated, and every diagnostic.</summary>
internal sealed record ParseResult(MethodModel? Method, EquatableArray<DiagnosticInfo> Diagnostics);
