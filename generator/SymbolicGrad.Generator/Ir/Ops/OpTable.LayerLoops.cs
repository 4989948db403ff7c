namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Loops over a model's layers: to the method's graph a loop is one op from its first carried vector to its last, whose
/// pullback runs the layers' backward passes. The layer body is a program of its own (planned and written apart), so
/// the loop's forward values stay in per-layer workspaces for the backward pass instead of being recomputed.
/// </summary>
internal static partial class OpTable
{
    /// <summary>h ↦ the carried vector after every layer.</summary>
    public static readonly OpDef LayerLoop = new(Op.LayerLoop, "layers", OpTraits.Structural)
    {
        // The result's shape is given by the frontend (the last layer's length); the input gradient is a vector only
        // where the first carried vector is active, which the pullback is asked for only then.
        Pullback = (b, node, operand, g) => b.Rebuild(new Node(Op.LayerLoopBackward, ScalarKind.Single,
            new Pipeline.EquatableArray<int>(new[] { g, b[node][0] }), b[b[node][0]].Shape!.WithBatched(true), b[node].Value)),
        // Each layer reads its weights, which a model's direction moves: the loop always has a tangent, run by the
        // loop itself (each layer's Jvp beside its value) and read from its last layer. The first layer starts from the
        // tangent of the loop's first carried vector; where the direction does not move that vector (the data), the
        // tangent node has no second operand and the first layer runs a Jvp without an input tangent (no W·0).
        Pushforward = (b, node, t) => b.Rebuild(new Node(Op.LayerLoopTangent, ScalarKind.Single,
            new Pipeline.EquatableArray<int>(t[0] is int start ? new[] { node, start } : new[] { node }), b[node].Shape, b[node].Value)),
        Math = new Notation.Custom((c, n) => ("layers(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new LayerLoopKernel(),
    };

    /// <summary>The tangent of a loop over layers, in its direction: the last layer's tangent.</summary>
    public static readonly OpDef LayerLoopTangent = new(Op.LayerLoopTangent, "layersTangent", OpTraits.Structural)
    {
        Math = new Notation.Custom((c, n) => ("∂layers(" + (n.Args.Count > 1 ? c.Operand(n[1], 0) : "0") + ")", Precedence.Primary)),
        OperandsInMemory = n => System.Linq.Enumerable.ToArray(n.Args),
        Kernel = new LayerLoopKernel(),
    };

    /// <summary>The layers' backward passes, last to first.</summary>
    public static readonly OpDef LayerLoopBackward = new(Op.LayerLoopBackward, "layersBackward", OpTraits.Structural)
    {
        // In a model Hvp: the layers' backward passes with their adjoints' tangents, an effect (it adds the gradient and
        // H·v) whose value is the tangent of ∂L/∂(first carried vector). The tangent of ∂L/∂result may be zero (a loss
        // linear in the loop's result): the layers still run, from a zero seed tangent.
        Pushforward = (b, node, t) =>
        {
            var seed = b[b[node][0]].Shape!;
            int seedTangent = t[0] ?? b.Structural(Op.Broadcast, ScalarKind.Single, seed, null, b.Zero(ScalarKind.Single));
            var args = t[1] is int first ? new[] { node, seedTangent, first } : new[] { node, seedTangent };
            int tangent = b.Rebuild(new Node(Op.LayerLoopBackwardTangent, ScalarKind.Single, new Pipeline.EquatableArray<int>(args), b[node].Shape, b[node].Value));
            b.AddEffect(tangent);
            return b[node].Rank > 0 ? tangent : null;
        },
        Math = new Notation.Custom((c, n) => ("layersᵀ(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0], n[1] },
        Kernel = new LayerLoopKernel(),
    };

    /// <summary>The layers' backward passes with their adjoints' tangents, last to first (a model Hvp).</summary>
    public static readonly OpDef LayerLoopBackwardTangent = new(Op.LayerLoopBackwardTangent, "layersBackwardTangent", OpTraits.Structural)
    {
        Math = new Notation.Custom((c, n) => ("∂layersᵀ(" + c.Operand(n[1], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => System.Linq.Enumerable.ToArray(n.Args),
        Kernel = new LayerLoopKernel(),
    };

    /// <summary>The loop over layers, as the writer of the method's passes writes it.</summary>
    private sealed class LayerLoopKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node) => w.LayerLoop(n, node);
    }
}
