using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>How a scheduled value is stored.</summary>
internal enum Storage
{
    /// <summary>A new local (<c>double z = …;</c>), or in tensor code a workspace buffer.</summary>
    Local,
    /// <summary>The <c>out</c> gradient parameter itself (<c>dPhi0 = …;</c>), later read back where reused.</summary>
    OutParameter,
}

/// <summary>One statement of the generated code: a node stored under a name.</summary>
/// <param name="AdjointOf">For an adjoint, how the math comments name its primal (∂f/∂<c>AdjointOf</c>).</param>
internal sealed record ScheduledValue(int Node, string Name, Storage Storage, string? AdjointOf);

/// <summary>A gradient written after the backward statements: <c>dX = expression;</c>.</summary>
internal sealed record FinalGradient(int Parameter, int Node);

/// <summary>One term of a parameter's gradient, added into its buffer.</summary>
/// <param name="Direct">Added by its kernel straight into the gradient (Σ g·xᵀ, Σ_batch e), without a buffer of its own.</param>
internal sealed record GradientTerm(int Node, bool Negated, bool Direct);

/// <summary>
/// A buffered parameter's gradient (a model field's, or a tensor function's dX): its terms, added as soon as the
/// backward statement numbered <see cref="ReadyAfter"/> has run (-1: before the first), as hand-written backprop does
/// layer by layer.
/// </summary>
/// <param name="Parameter">The parameter's index in <see cref="MethodModel.Parameters"/>.</param>
internal sealed record GradientAccumulation(int Parameter, EquatableArray<GradientTerm> Terms, int ReadyAfter);

/// <summary>A value written in place over the buffer of an operand that nothing reads afterwards.</summary>
internal sealed record InPlaceValue(int Value, int Operand);

/// <summary>A dimension the code declares as a local.</summary>
internal sealed record NamedDim(Dim Dim, string Name);

/// <summary>A name the generated code gives something of the user's (a view of a parameter's memory, a gradient's span).</summary>
internal sealed record NamedInput(string Of, string Name);

/// <summary>
/// Every name the generated code introduces beyond the values' own, each allocated against every name in scope
/// (members of the enclosing types and their bases, the parameters, the user's locals, the other generated names),
/// so no user code can make the generated code fail to compile.
/// </summary>
internal sealed record GeneratedNames(
    string Batch,
    string Row,
    string Index,
    string Sum,
    string Total,
    string Loss,
    string Workspace,
    string SampleWeight,
    string Classes,
    string Logits,
    string Labels,
    string Correct,
    string Best,
    string Targets,
    string AccumulateGradient,
    string BatchInput,
    string CachedWorkspace,
    string CheckArguments,
    EquatableArray<NamedInput> Views,
    EquatableArray<NamedInput> GradientSpans,
    EquatableArray<NamedDim> Dims);

/// <summary>The tensor code's storage decisions: gradient accumulation, buffers overwritten in place, the logits.</summary>
/// <param name="Logits">The vector whose element at the label the loss picks (softmax cross-entropy), if any: CountCorrect's argmax.</param>
internal sealed record TensorPlan(
    EquatableArray<GradientAccumulation> Gradients,
    EquatableArray<InPlaceValue> InPlace,
    int Logits);

/// <summary>
/// The planning stage's output, all the writers read: what is computed where, stored under which name, in which
/// order, and (for tensor code) in which buffer. Writers decide nothing; they turn this into text.
/// </summary>
internal sealed record ProgramPlan(
    GradientModel Model,
    EquatableArray<ScheduledValue> Forward,
    EquatableArray<ScheduledValue> Backward,
    EquatableArray<FinalGradient> FinalGradients,
    string ResultName,
    int ForwardOperations,
    int BackwardOperations,
    GeneratedNames Names,
    TensorPlan? Tensor)
{
    public MethodModel Method => Model.Method;

    public Dag Graph => Model.Graph;
}

/// <summary>The outcome of planning: a plan when there is one, and every diagnostic so far.</summary>
internal sealed record PlanResult(ProgramPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
