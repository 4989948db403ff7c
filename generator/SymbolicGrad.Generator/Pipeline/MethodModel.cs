using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Pipeline;

/// <summary>A type that encloses the method, as the generated partial declaration must repeat it.</summary>
/// <param name="Keyword">class, struct, interface, record or record struct.</param>
/// <param name="Name">The name with its type parameter list, e.g. <c>Box&lt;T&gt;</c>.</param>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>A parameter of the user's method, or a Vec/Mat field a model method reads.</summary>
/// <param name="Name">The name as written in C# (with @ where needed).</param>
/// <param name="Kind">Its element type.</param>
/// <param name="IsDifferentiable">Whether the generated code computes its gradient.</param>
/// <param name="GradientName"><c>d</c> + the name with its first letter upper-cased.</param>
/// <param name="Input">The IR node of its value on entry.</param>
/// <param name="Location">Its declaration, for warnings.</param>
/// <param name="IsField">
/// Its gradient is added into a buffer — a model field's slice of <c>Parameters.Gradients</c>, or a tensor function's
/// <c>dX</c> argument — rather than returned through an <c>out</c> parameter.
/// </param>
/// <param name="Type">Its C# type as the generated signature repeats it (<c>double</c>, <c>double[]</c>, <c>global::System.ReadOnlySpan&lt;float&gt;</c>).</param>
/// <param name="IsArray">An array or span of a scalar function: read by index, its gradient added into a <c>Span</c>.</param>
internal sealed record ParameterInfo(string Name, ScalarKind Kind, bool IsDifferentiable, string GradientName, int Input, LocationInfo? Location,
    bool IsField = false, string Type = "", bool IsArray = false);

/// <summary>A loop of the user's code, for the diagnostics about it.</summary>
/// <param name="Node">Its <see cref="Op.Loop"/> node.</param>
/// <param name="Keyword">for, foreach, while or do.</param>
internal sealed record LoopInfo(int Node, string Keyword, LocationInfo? Location);

/// <summary>Whether the generated code makes a model an <c>ITrainable</c>, and with which targets.</summary>
internal enum TrainableKind
{
    None,
    /// <summary><c>float Loss(Vec x, int label)</c>: a classifier.</summary>
    Labels,
    /// <summary><c>float Loss(Vec x, Vec target)</c>: a regression.</summary>
    Values,
}

/// <summary>
/// A model method's prediction, exported to ONNX: the value its loss is computed from (the logits of a softmax
/// cross-entropy, the first argument of another loss, or the value of a [Prediction] layer helper).
/// </summary>
/// <param name="Node">The forward node of the prediction.</param>
/// <param name="OutputName">The exported graph's output name: <c>logits</c>, the helper's name, or <c>prediction</c>.</param>
internal sealed record PredictionInfo(int Node, string OutputName);

/// <summary>An IR node that holds the value of a user's local variable.</summary>
internal sealed record NodeName(int Node, string Name);

/// <summary>
/// Everything the later stages need to know about one [Differentiable] method, as plain equatable data:
/// where the generated code goes, the signature, the names already in scope, and the IR of its body.
/// </summary>
/// <param name="ScopeNames">Every name the generated code could collide with: members of the enclosing types and their bases.</param>
/// <param name="DrawGraph">[Differentiable(Graph = true)]: the file also holds the graph as Mermaid text (<c>NameGraph</c>).</param>
/// <param name="Jvp">[Differentiable(Jvp = true)]: also generate <c>NameJvp</c>.</param>
/// <param name="Hessian">[Differentiable(Hessian = true)]: also generate <c>NameHvp</c>, and <c>NameHessian</c> when every differentiable parameter is a scalar.</param>
/// <param name="LayerLoops">The method's loops over layers, each with its body.</param>
/// <param name="Layer">For the body of a loop over layers: its carried input, seed and counter; null otherwise.</param>
/// <param name="Prediction">For a model method whose model gets an ONNX prediction graph: the prediction; null otherwise.</param>
internal sealed record MethodModel(
    MethodKind Kind,
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
    TrainableKind Trainable,
    EquatableArray<string> ScopeNames,
    EquatableArray<LoopInfo> Loops,
    bool DrawGraph = false,
    bool Jvp = false,
    bool Hessian = false,
    EquatableArray<LayerLoopModel> LayerLoops = default,
    LayerBody? Layer = null,
    PredictionInfo? Prediction = null)
{
    public string GradientMethodName => Name + "Gradient";
}

/// <summary>The outcome of lowering: a model when the method can be differentiated, and every diagnostic.</summary>
internal sealed record LoweringResult(MethodModel? Method, EquatableArray<DiagnosticInfo> Diagnostics);
