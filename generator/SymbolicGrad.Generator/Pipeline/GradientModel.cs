using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Pipeline;

/// <summary>Node <paramref name="Adjoint"/> holds ∂f/∂(node <paramref name="Primal"/>).</summary>
internal sealed record AdjointOf(int Adjoint, int Primal);

/// <summary>
/// The method with its adjoint IR: <see cref="Graph"/> extends the forward graph with the backward nodes
/// (those from <see cref="FirstBackwardNode"/> on; backward code may also reuse forward nodes).
/// </summary>
/// <param name="Gradients">For each differentiable parameter, in order, the node of its derivative (a zero for an array's, added by scatters).</param>
/// <param name="LayerLoops">The bodies of the method's loops over layers, differentiated, by loop number.</param>
/// <param name="Recomputed">Backward nodes that recompute or restore a named forward value inside a reverse loop, with that value's name.</param>
/// <param name="ExtraRoots">Further values the code computes (a derived method's tangent, Hessian entries).</param>
/// <param name="FirstLayers">In a model method's Jvp, the first layer's Jvp of each loop over layers whose first vector the direction does not move.</param>
/// <param name="Branches">For one layer of a loop over layers whose selects hang on a condition of the counter: the layer differentiated once per value of that condition.</param>
internal sealed record GradientModel(
    MethodModel Method,
    Dag Graph,
    int FirstBackwardNode,
    EquatableArray<int> Gradients,
    EquatableArray<AdjointOf> Adjoints,
    EquatableArray<NodeName> Recomputed,
    EquatableArray<int> ExtraRoots = default,
    EquatableArray<GradientModel> LayerLoops = default,
    EquatableArray<FirstLayerModel> FirstLayers = default,
    LayerBranchesModel? Branches = null)
{
    /// <summary>
    /// A model method's derived code that adds its fields' "gradients" into slices of buffers the caller passes (a model
    /// Hvp's gradient and H·v), not through the parameter store under its lock.
    /// </summary>
    public bool IntoCallerBuffers { get; init; }
}

/// <summary>The Jvp of the first layer of loop <paramref name="Loop"/>, from a vector without a tangent (the data).</summary>
internal sealed record FirstLayerModel(int Loop, GradientModel Model);

/// <summary>
/// One layer of a loop over layers specialized on a condition that is the same for every element of the layer (it reads
/// only the counter, constants and lengths: <c>l &lt; W.Length - 1 ? Relu(z) : z</c>): the layer differentiated with the
/// condition true (<paramref name="WhenTrue"/>) and false (<paramref name="WhenFalse"/>), so a select on it picks a
/// branch for the whole layer instead of an element at a time.
/// </summary>
/// <param name="Condition">The condition's node in the layer's own graph.</param>
internal sealed record LayerBranchesModel(int Condition, GradientModel WhenTrue, GradientModel WhenFalse);

/// <summary>The outcome of differentiation: a model when there is one, and every diagnostic so far.</summary>
internal sealed record TransformResult(GradientModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A generated source file.</summary>
internal sealed record GeneratedFile(string HintName, string Source);

/// <summary>The outcome of writing: the file when there is one, and every diagnostic to report.</summary>
internal sealed record WriteResult(GeneratedFile? File, EquatableArray<DiagnosticInfo> Diagnostics);
