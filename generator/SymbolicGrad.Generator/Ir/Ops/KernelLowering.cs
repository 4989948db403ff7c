using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>What an op's kernel lowering may ask of the C# writer of a pass (the writer implements it).</summary>
internal interface IKernelWriter
{
    /// <summary>The runtime's kernel class, as the generated file names it.</summary>
    string Kernels { get; }

    Node this[int node] { get; }

    Dag Dag { get; }

    /// <summary>The local holding the number of samples.</summary>
    string Batch { get; }

    /// <summary>How the code reads the model's parameter store (<c>Parameters</c>).</summary>
    string Parameters { get; }

    /// <summary>The element index of loops (<c>i</c>).</summary>
    string Index { get; }

    /// <summary>A local's name for <paramref name="preferred"/> that nothing in scope uses.</summary>
    string Local(string preferred);

    /// <summary>The memory of a stored value or an input, for kernels (e.g. <c>t1.AsSpan(0, batch * n)</c>).</summary>
    string Span(int node);

    /// <summary>
    /// A vector value as a <c>Mat</c> of one row per sample (one row when it is not batched), for the parameter store: a
    /// batched input as it is, another input or a stored value viewed in place.
    /// </summary>
    string BatchMatrix(int node);

    /// <summary>
    /// Sample <paramref name="row"/> of a stored value or an input as the runtime's <c>Vec</c> (or the <c>Mat</c>, for a
    /// matrix) viewing its memory in place: a row of a batched value, the whole of a shared one.
    /// </summary>
    string Sample(int node, string row);

    /// <summary>The local holding the model's mode for this call (<c>Model.Training</c>, read once).</summary>
    string Training { get; }

    /// <summary>The local holding this call's random stream (taken once per training-mode forward pass).</summary>
    string Stream { get; }

    /// <summary>A workspace buffer <paramref name="node"/> keeps beside its value (<see cref="OpDef.Scratch"/>), as <c>workspace.field</c>.</summary>
    string Scratch(int node, string suffix);

    /// <summary>The workspace's im2col buffer, shared by the method's convolutions, as <c>workspace.field</c>.</summary>
    string Columns { get; }

    /// <summary>The name of a block-scoped local holding a convolution's or pooling's geometry.</summary>
    string Geometry { get; }

    /// <summary>The workspace variable.</summary>
    string Workspace { get; }

    /// <summary>The method's name, for error messages.</summary>
    string MethodName { get; }

    /// <summary>A dimension's value.</summary>
    string Dim(Dim dim);

    /// <summary>Element (row, index) of a value written as an expression (stored values read, the rest inline).</summary>
    string Element(int node, string row, string index);

    /// <summary>The row of the sample being computed: <c>r</c> inside the batch loop, <c>0</c> for a shared value.</summary>
    string Row(bool batched);

    void Line(string text);

    /// <summary>Writes <paramref name="body"/> in braces (a scope for its locals).</summary>
    void Scope(Action body);

    /// <summary>A kernel on batched operands: its matrix–matrix form, or for a batch of one its faster matrix–vector form.</summary>
    void BatchOrSample(bool batched, string batch, string sample);

    /// <summary>
    /// Runs <paramref name="body"/> once per sample (a loop over the batch, in braces) or once (shared values; in braces
    /// only if <paramref name="scoped"/>, for locals of its own).
    /// </summary>
    void PerSample(bool batched, bool scoped, Action body);

    /// <summary>A loop over layers or its reverse (<see cref="Op.LayerLoop"/>, <see cref="Op.LayerLoopBackward"/>) into its buffer.</summary>
    void LayerLoop(Node n, int node);
}

/// <summary>How a structural op becomes C#: a kernel call or a dedicated loop.</summary>
internal abstract class KernelLowering
{
    /// <summary>Computes <paramref name="node"/> (<paramref name="n"/>) into its buffer, overwriting it.</summary>
    public abstract void Write(IKernelWriter w, Node n, int node);

    /// <summary>
    /// Whether <see cref="AddInto"/> can add the value straight into a gradient, without a buffer of its own, and
    /// <see cref="AddIntoStore"/> hand it to the parameter store.
    /// </summary>
    public virtual bool Accumulates => false;

    /// <summary>Adds (or subtracts) the node's value into <paramref name="target"/>.</summary>
    public virtual void AddInto(IKernelWriter w, Node n, string target, bool negated) => throw new NotSupportedException();

    /// <summary>
    /// Hands the node's value, a term of the gradient of the model's <paramref name="parameter"/>, to the parameter store
    /// (added, or subtracted), which adds it or applies it as the optimizer's update.
    /// </summary>
    public virtual void AddIntoStore(IKernelWriter w, Node n, string parameter, bool negated) => throw new NotSupportedException();
}

/// <summary>
/// A layer's backward kernel (or its tangent) asked for one part: the input's part is written whole, a parameter's part
/// is added (into a cleared buffer, a gradient, or the parameter store). One call serves all three ways in.
/// </summary>
internal abstract class LayerPartKernel : KernelLowering
{
    public override bool Accumulates => true;

    /// <summary>What the node is, as the refusal of a negated term names it (e.g. "convolution gradient").</summary>
    protected abstract string What { get; }

    /// <summary>Whether the part asked for is the input's, which the kernel writes whole rather than adds.</summary>
    protected abstract bool WritesWhole(Node n);

    /// <summary>Calls the kernel with the part asked for going to <paramref name="output"/>.</summary>
    protected abstract void Call(IKernelWriter w, Node n, string output);

    public sealed override void Write(IKernelWriter w, Node n, int node)
    {
        if (!WritesWhole(n)) w.Line($"{w.Span(node)}.Clear();");
        Call(w, n, w.Span(node));
    }

    public sealed override void AddInto(IKernelWriter w, Node n, string target, bool negated)
    {
        if (negated) throw new NotSupportedException($"a negated {What} term");
        Call(w, n, target);
    }

    public sealed override void AddIntoStore(IKernelWriter w, Node n, string parameter, bool negated) =>
        AddInto(w, n, $"{w.Parameters}.GradientToAdd({parameter})", negated);
}
