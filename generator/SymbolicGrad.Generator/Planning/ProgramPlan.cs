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

/// <summary>A statement of the generated code: a value, an effect, or a loop with the statements of its body.</summary>
internal abstract record Statement;

/// <summary>A node computed into a local (or, for tensor code, a buffer).</summary>
internal sealed record ValueStatement(ScheduledValue Value) : Statement;

/// <summary>An effect: a gradient added into an array's element (<c>dA[i] += g;</c>).</summary>
internal sealed record EffectStatement(int Node) : Statement;

/// <summary>A value of a loop's iteration kept for the backward pass, in an array of the tape indexed by iteration.</summary>
/// <param name="Node">The forward node whose value is kept (a carried value at the iteration's start, an inner loop's result or trip count).</param>
/// <param name="Field">The tape's array holding it.</param>
internal sealed record TapedValue(int Node, string Field);

/// <summary>A carried variable of a loop: its local, its value before the first iteration, and its next value.</summary>
/// <param name="Declared">False when the local is an <c>out</c> parameter of the method (assigned, not declared).</param>
/// <param name="Parameter">The loop body's parameter standing for the variable at an iteration's start.</param>
/// <param name="AdjointOf">When the next value is an adjoint, how the comments name its primal.</param>
internal sealed record CarriedVariable(string Name, int Parameter, int Initial, int Next, bool Declared = true, string? AdjointOf = null);

/// <summary>
/// A forward loop: <c>if (reached) while (condition) { body; carried = next; if (exit) break; }</c> (a do loop tests
/// its condition after each iteration), counting its iterations where the backward pass needs the count, and writing
/// the values the backward pass restores onto the tape.
/// </summary>
/// <param name="Trips">The local counting its iterations; null when nothing needs the count.</param>
/// <param name="TapeIndex">The method-wide position in this loop's tape arrays; null when it keeps nothing.</param>
/// <param name="Taped">Values written at the start of each iteration (carried values).</param>
/// <param name="TapedAfter">Values written after the inner loop that produces them (an inner loop's results and trip count).</param>
internal sealed record LoopStatement(
    int Loop,
    EquatableArray<CarriedVariable> Carried,
    EquatableArray<Statement> Body,
    string? Trips,
    string? TapeIndex,
    EquatableArray<TapedValue> Taped,
    EquatableArray<TapedValue> TapedAfter) : Statement;

/// <summary>How a reverse loop gets a forward value of the iteration it reverses.</summary>
/// <param name="Restore">The <see cref="Op.Restore"/> node.</param>
/// <param name="Name">The local it is restored into.</param>
/// <param name="Field">The tape array it is read from; null for an induction variable recomputed from its first value.</param>
internal sealed record RestoredValue(int Restore, string Name, string? Field);

/// <summary>
/// The reverse of a loop: <c>for (t = trips − 1; t ≥ 0; t−−) { restore; body; adjoints = next; }</c>, reading the tape
/// back from the forward loop's last position.
/// </summary>
internal sealed record ReverseLoopStatement(
    int Loop,
    int Forward,
    string Iteration,
    string? TapeIndex,
    EquatableArray<CarriedVariable> Carried,
    EquatableArray<RestoredValue> Restored,
    EquatableArray<Statement> Body) : Statement;

/// <summary>The tape of a method with loops: the arrays its loops keep per iteration, in a per-thread workspace.</summary>
/// <param name="Fields">Each array's field name and element type.</param>
internal sealed record TapePlan(string Type, string Cached, string Local, EquatableArray<TapeField> Fields);

/// <summary>One array of the tape.</summary>
internal sealed record TapeField(string Name, ScalarKind Kind, string Loop);

/// <summary>A gradient written after the backward statements: <c>dX = expression;</c>.</summary>
internal sealed record FinalGradient(int Parameter, int Node);

/// <summary>How a gradient term reaches its parameter's gradient.</summary>
internal enum TermRoute
{
    /// <summary>Element by element, into the gradient's span.</summary>
    Elements,
    /// <summary>Its kernel adds it straight into the gradient's span (Σ g·xᵀ, Σ_batch e), without a buffer of its own.</summary>
    Kernel,
    /// <summary>
    /// The parameter store adds it (Σ g·xᵀ, Σ_batch e of a model's parameter), so that a trainer may apply the
    /// optimizer's update inside the product instead; its operands then stay unchanged until the backward pass returns.
    /// </summary>
    Store,
}

/// <summary>One term of a parameter's gradient.</summary>
internal sealed record GradientTerm(int Node, bool Negated, TermRoute Route);

/// <summary>
/// A buffered parameter's gradient (a model field's, or a tensor function's dX): its terms, added as soon as the
/// backward statement numbered <see cref="ReadyAfter"/> has run (-1: before the first), as hand-written backprop does
/// layer by layer.
/// </summary>
/// <param name="Parameter">The parameter's index in <see cref="MethodModel.Parameters"/>.</param>
/// <param name="Span">The local holding the gradient's span, when a term adds into it; null when every term goes through the store.</param>
/// <param name="Locked">
/// Added under <c>Parameters.GradientLock</c> through the parameter store (a model's parameter: calls on several threads
/// add one at a time), rather than into a buffer the caller owns.
/// </param>
internal sealed record GradientAccumulation(int Parameter, EquatableArray<GradientTerm> Terms, int ReadyAfter, string? Span, bool Locked);

/// <summary>A value written in place over the buffer of an operand that nothing reads afterwards.</summary>
internal sealed record InPlaceValue(int Value, int Operand);

/// <summary>A dimension the code declares as a local.</summary>
internal sealed record NamedDim(Dim Dim, string Name);

/// <summary>A name the generated code gives something of the user's (a view of a parameter's memory, a gradient's span).</summary>
internal sealed record NamedInput(string Of, string Name);

/// <summary>
/// Every name the generated code introduces beyond the values' own, each allocated against every name in scope
/// (members of the type and its bases, the members other [Differentiable] methods generate, the parameters, the types
/// the code names by their simple names, the user's locals, the other generated names), so no user code can make the
/// generated code fail to compile; and how the code reaches what a user's name could hide.
/// </summary>
/// <param name="BackwardUnchecked">A model's private backward pass without the argument check (empty for other methods).</param>
/// <param name="CachedWorkspace">The private field holding a model's pool of workspaces, or a tensor function's per-thread one.</param>
/// <param name="ParametersAccess">How the code reads <c>Model.Parameters</c>: a cast where a user's member or parameter of that name hides it.</param>
/// <param name="Calls">How the code calls each generated member it calls (<c>this.LossForwardBatch</c> where a parameter of that name hides it).</param>
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
    string CachedWorkspace,
    string CheckArguments,
    string BackwardUnchecked,
    string ParametersAccess,
    EquatableArray<NamedInput> Calls,
    EquatableArray<NamedInput> Views,
    EquatableArray<NamedInput> GradientSpans,
    EquatableArray<NamedDim> Dims)
{
    /// <summary>A model's private check that every weight its gradient adds into is a parameter (empty for other methods).</summary>
    public string CheckWeights { get; init; } = "";

    /// <summary>A model method's workspace field holding the rows of its last forward pass (empty for other methods).</summary>
    public string ForwardRows { get; init; } = "";

    /// <summary>A model method's workspace field holding the managed thread id of its last forward pass (empty for other methods).</summary>
    public string ForwardThread { get; init; } = "";

    /// <summary>A model method's workspace field claimed by the pass using it, so two threads cannot share it unnoticed (empty for other methods).</summary>
    public string InUse { get; init; } = "";

    /// <summary>The local carrying the width from layer to layer in the up-front check of a method's loops over layers (empty without one).</summary>
    public string Width { get; init; } = "";
}

/// <summary>A workspace buffer a layer keeps beside its value (<see cref="OpDef.Scratch"/>): batch norm's statistics, pooling's argmax.</summary>
internal sealed record ScratchBuffer(int Node, string Suffix, string Name, string Type);

/// <summary>What layers need beyond their values: the mode and random stream of the call, im2col columns, scratch buffers.</summary>
/// <param name="Training">The local and workspace field holding <c>Model.Training</c> for the call; null when no op reads the mode.</param>
/// <param name="Stream">The local and workspace field holding the call's random stream; null when no op draws from it.</param>
/// <param name="Columns">The workspace's im2col buffer; null without convolutions.</param>
/// <param name="Geometry">The block-scoped local holding a convolution's or pooling's geometry.</param>
internal sealed record LayerPlan(string? Training, string? Stream, string? Columns, string Geometry, EquatableArray<ScratchBuffer> Scratch)
{
    public static readonly LayerPlan None = new(null, null, null, "geometry", EquatableArray<ScratchBuffer>.Empty);
}

/// <summary>The tensor code's storage decisions: gradient accumulation, buffers overwritten in place, the logits.</summary>
/// <param name="Logits">The vector whose element at the label the loss picks (softmax cross-entropy), if any: CountCorrect's argmax.</param>
internal sealed record TensorPlan(
    EquatableArray<GradientAccumulation> Gradients,
    EquatableArray<InPlaceValue> InPlace,
    int Logits)
{
    public LayerPlan Layers { get; init; } = LayerPlan.None;
}

/// <summary>
/// The planning stage's output, all the writers read: what is computed where, stored under which name, in which
/// order, and (for tensor code) in which buffer. Writers decide nothing; they turn this into text.
/// </summary>
/// <param name="ForwardCode">The forward pass as statements (loops with their bodies).</param>
/// <param name="BackwardCode">The backward pass as statements.</param>
/// <param name="NodeNames">Every named node (values, carried variables, restored values): how code refers to it.</param>
/// <param name="Tape">The tape, when loops keep values for the backward pass.</param>
/// <param name="LayerLoops">The method's loops over layers, planned.</param>
/// <param name="Layer">For the body of a loop over layers, its own names.</param>
internal sealed record ProgramPlan(
    GradientModel Model,
    EquatableArray<ScheduledValue> Forward,
    EquatableArray<ScheduledValue> Backward,
    EquatableArray<FinalGradient> FinalGradients,
    string ResultName,
    int ForwardOperations,
    int BackwardOperations,
    GeneratedNames Names,
    TensorPlan? Tensor,
    EquatableArray<Statement> ForwardCode,
    EquatableArray<Statement> BackwardCode,
    EquatableArray<NodeName> NodeNames,
    TapePlan? Tape,
    EquatableArray<LayerLoopPlan> LayerLoops = default,
    LayerNames? Layer = null)
{
    public MethodModel Method => Model.Method;

    public Dag Graph => Model.Graph;
}

/// <summary>A loop over layers, planned: its body's plan and the names the method's code gives it.</summary>
/// <param name="Loop">The loop.</param>
/// <param name="Body">The plan of one layer (a model method of its own).</param>
/// <param name="Workspaces">The field of the method's workspace holding one workspace of the layer per layer.</param>
/// <param name="First">In a Jvp whose loop starts from the data, the plan of the first layer's Jvp without an input tangent.</param>
/// <param name="FirstWorkspace">The field of the method's workspace holding <paramref name="First"/>'s workspace.</param>
/// <param name="Branches">Where the layer's selects hang on a condition of the counter: its passes per value of the condition.</param>
/// <param name="FirstBranches">Likewise for <paramref name="First"/>.</param>
internal sealed record LayerLoopPlan(LayerLoopModel Loop, ProgramPlan Body, string Workspaces, ProgramPlan? First = null, string? FirstWorkspace = null,
    LayerBranchesPlan? Branches = null, LayerBranchesPlan? FirstBranches = null)
{
    /// <summary>The forms of <paramref name="plan"/> (<see cref="Body"/> or <see cref="First"/>), or null where it has one form.</summary>
    public LayerBranchesPlan? BranchesOf(ProgramPlan plan) => ReferenceEquals(plan, First) ? FirstBranches : Branches;
}

/// <summary>
/// One layer's passes per value of a condition that holds for the whole layer or not at all (see
/// <see cref="Transforms.LayerBranches"/>): the layer's forward pass evaluates it once, keeps it in the layer's workspace
/// field <paramref name="Taken"/> and runs the passes of that value; its backward pass runs the matching backward pass.
/// The two forms share the layer's workspace class: each field either holds the same value's buffer in both or is one
/// form's alone.
/// </summary>
/// <param name="Condition">The condition's node in the graph of the layer's plan (<see cref="LayerLoopPlan.Body"/>).</param>
/// <param name="WhenTrue">The layer's plan with the condition true.</param>
/// <param name="WhenFalse">The layer's plan with the condition false.</param>
/// <param name="Taken">The layer workspace's bool field keeping the condition's value from the forward pass for the backward pass.</param>
/// <param name="Fields">The layer workspace's buffers: those of both forms, each name once.</param>
internal sealed record LayerBranchesPlan(int Condition, ProgramPlan WhenTrue, ProgramPlan WhenFalse, string Taken, EquatableArray<WorkspaceField> Fields);

/// <summary>A buffer field of a workspace class: <c>internal T[] Name</c>.</summary>
internal sealed record WorkspaceField(string Name, ScalarKind Kind);

/// <summary>Names of a layer's code beyond a model method's.</summary>
/// <param name="Output">The layer workspace's field keeping the layer's output (a <c>Mat</c>) for the next layer's backward pass.</param>
/// <param name="Gradient">The layer workspace's field keeping ∂L/∂(the layer's input) (a <c>Mat</c>) for the previous layer's backward pass.</param>
/// <param name="InputGradient">The backward pass's flag: compute ∂L/∂(carried input), which the first layer may not need.</param>
/// <param name="Tangent">A layer's Hvp: the field keeping the tangent of its output (<paramref name="Gradient"/> keeps ∂L/∂input).</param>
/// <param name="GradientTangent">A layer's Hvp: the field keeping the tangent of ∂L/∂(the layer's input).</param>
internal sealed record LayerNames(string Output, string Gradient, string InputGradient, string? Tangent = null, string? GradientTangent = null);

/// <summary>The outcome of planning: a plan when there is one, and every diagnostic so far.</summary>
internal sealed record PlanResult(ProgramPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
