using System;
using System.Collections.Generic;
using System.Linq;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The pushforwards of the layers' pullbacks, for second derivatives (a model method's Hvp is forward mode over its
/// gradient, so its backward pass's ops need tangents too). Pooling's pullback routes by the argmax its forward saved,
/// which does not move: its tangent routes the adjoint's tangent the same way. Convolution's pullback parts are bilinear
/// in the adjoint and an operand: their tangents have two terms, computed by one kernel.
/// </summary>
internal static partial class OpTable
{
    /// <summary>
    /// The tangent of a convolution pullback part with two terms: t(∂/∂x) = convᵀ(W, tg) + convᵀ(tW, g) (one col2im), or
    /// t(∂/∂W) = tg⋆x + g⋆tx (added into the gradient's tangent, as ∂/∂W is added into the gradient).
    /// </summary>
    public static readonly OpDef Conv2dGradTangent = new(Op.Conv2dGradTangent, "tdconv", OpTraits.Structural)
    {
        Shape = (b, n) => PartShape(b, n),
        Math = new Notation.Custom((c, n) =>
        {
            string layer = Identifiers.Bare(n.Name!), part = PartName(n, "W", "b"), other = n.Value == 0 ? "W" : "x";
            // (∂conv/∂W)ᵀ[x→tx]·g: the pullback with the other operand replaced by its tangent.
            string moved = $"(∂{layer}/∂{part})ᵀ[{other}→{c.Operand(n[2], Precedence.Primary)}]·{c.Operand(n[0], Precedence.Primary)}";
            if (n.Arity < 4) return (moved, Precedence.Multiplicative);
            return ($"(∂{layer}/∂{part})ᵀ·{c.Operand(n[3], Precedence.Primary)} + {moved}", Precedence.Additive);
        }),
        OperandsInMemory = n => n.Args.Where((_, k) => k != 1).ToArray(),
        Kernel = new Conv2dGradTangentKernel(),
    };

    /// <summary>
    /// The tangent of <see cref="Conv2dGrad"/> (args: the adjoint g, the forward convolution), from g's tangent and the
    /// convolution's (a <see cref="Conv2dTangent"/>, whose operands hold tx and tW): a part linear in g alone (∂/∂bias, or
    /// an operand whose tangent is zero) is the same part of tg; the others have the other operand's term as well.
    /// </summary>
    private static int? Conv2dGradPushforward(GraphBuilder b, int node, IReadOnlyList<int?> tangents)
    {
        var n = b[node];
        int part = (int)n.Value, conv = n[1];
        var (tx, tWeights) = ConvOperandTangents(b, tangents[1]);
        int? other = part switch
        {
            0 => tWeights,
            1 => tx,
            _ => null,
        };
        if (other is not int moved) return tangents[0] is int tg ? b.Layer(Op.Conv2dGrad, n.Name, part, tg, conv) : null;
        var args = new List<int> { n[0], conv, moved };
        if (tangents[0] is int tgMoved) args.Add(tgMoved);
        return b.Layer(Op.Conv2dGradTangent, n.Name, part, args.ToArray());
    }

    /// <summary>The input's and weights' tangents a convolution's tangent (<see cref="Conv2dTangent"/>, or none) was built from.</summary>
    private static (int? Input, int? Weights) ConvOperandTangents(GraphBuilder b, int? convTangent)
    {
        if (convTangent is not int t) return (null, null);
        var n = b[t];
        if (n.Op != Op.Conv2dTangent) throw new InvalidOperationException($"a convolution's tangent is {n.Op}, not {Op.Conv2dTangent}");
        int mask = (int)n.Value, next = 2;
        int? input = (mask & 1) != 0 ? n[next++] : null;
        int? weights = (mask & 2) != 0 ? n[next] : null;
        return (input, weights);
    }

    /// <summary>
    /// The tangent of a batch-norm pullback part (∂/∂x or ∂/∂γ) that moves with more than its adjoint. Args: the adjoint
    /// g, the forward batch norm, then the present ones of tx, tγ, tg; <see cref="Node.Value"/> is the part plus 4 × the
    /// mask of those present (1 tx, 2 tγ, 4 tg). With the running statistics t(∂/∂x) = s·(γ·tg + tγ·g) and
    /// t(∂/∂γ) = Σ (tg·(x − μ) + g·tx)·s; in training mode through the batch's statistics as well, so t(∂/∂x) also moves
    /// with tx (the runtime's BatchNormBackwardTangentTraining). t(∂/∂x) is written, t(∂/∂γ) added.
    /// </summary>
    public static readonly OpDef BatchNormGradTangent = new(Op.BatchNormGradTangent, "tdbn", OpTraits.Structural | OpTraits.ReadsMode)
    {
        Shape = (b, n) => PartShape(b, n, NormGradPart(n)),
        Math = new Notation.Custom((c, n) =>
        {
            string layer = Identifiers.Bare(n.Name!), part = PartName(NormGradPart(n), "γ", "β");
            var moved = NormGradTangents(n).Select(t => $"{t.Of}→{c.Operand(t.Arg, Precedence.Primary)}");
            return ($"∂((∂{layer}/∂{part})ᵀ·{c.Operand(n[0], Precedence.Primary)})[{string.Join(", ", moved)}]", Precedence.Primary);
        }),
        OperandsInMemory = n => n.Args.Where((_, k) => k != 1).ToArray(),
        Kernel = new BatchNormGradTangentKernel(),
    };

    /// <summary>
    /// The tangent of <see cref="BatchNormGrad"/> (args: the adjoint g, the forward batch norm), from g's tangent and the
    /// batch norm's (a <see cref="BatchNormTangent"/>, whose operands hold tx and tγ). ∂/∂β = Σ g moves with tg alone in
    /// both modes, and so does a part none of whose other tangents is present; otherwise ∂/∂γ moves with tx, and ∂/∂x with
    /// tγ (and, in training mode, with tx through the batch's statistics): one node for both modes.
    /// </summary>
    private static int? BatchNormGradPushforward(GraphBuilder b, int node, IReadOnlyList<int?> tangents)
    {
        var n = b[node];
        int part = (int)n.Value, norm = n[1];
        var (tx, tGamma) = NormOperandTangents(b, tangents[1]);
        int? tg = tangents[0];
        if (part == 1) tGamma = null; // ∂/∂γ = Σ g·x̂ does not read γ
        if (part == 2 || (tx is null && tGamma is null)) return tg is int only ? b.Layer(Op.BatchNormGrad, n.Name, part, only, norm) : null;
        var present = new[] { tx, tGamma, tg };
        int mask = 0;
        var args = new List<int> { n[0], norm };
        for (int k = 0; k < present.Length; k++)
        {
            if (present[k] is not int t) continue;
            mask |= 1 << k;
            args.Add(t);
        }
        return b.Layer(Op.BatchNormGradTangent, n.Name, part + 4 * mask, args.ToArray());
    }

    /// <summary>The part (0 x, 1 γ) a <see cref="BatchNormGradTangent"/> is the tangent of.</summary>
    private static int NormGradPart(Node n) => (int)n.Value & 3;

    /// <summary>A <see cref="BatchNormGradTangent"/>'s present tangents in order: what each is the tangent of, and its arg.</summary>
    private static IEnumerable<(string Of, int Arg)> NormGradTangents(Node n)
    {
        int mask = (int)n.Value >> 2, next = 2;
        var names = new[] { "x", "γ", "g" };
        for (int k = 0; k < names.Length; k++)
        {
            if ((mask & (1 << k)) != 0) yield return (names[k], n[next++]);
        }
    }

    /// <summary>The input's and γ's tangents a batch norm's tangent (<see cref="BatchNormTangent"/>, or none) was built from.</summary>
    private static (int? Input, int? Gamma) NormOperandTangents(GraphBuilder b, int? normTangent)
    {
        if (normTangent is not int t) return (null, null);
        var n = b[t];
        if (n.Op != Op.BatchNormTangent) throw new InvalidOperationException($"a batch norm's tangent is {n.Op}, not {Op.BatchNormTangent}");
        int mask = (int)n.Value, next = 1;
        int? input = (mask & 1) != 0 ? n[next++] : null;
        int? gamma = (mask & 2) != 0 ? n[next] : null;
        return (input, gamma);
    }

    /// <summary>Max pooling's pullback routes by the saved argmax, which does not move: the adjoint's tangent goes the same way.</summary>
    private static int? MaxPool2dGradPushforward(GraphBuilder b, int node, IReadOnlyList<int?> tangents) =>
        tangents[0] is int tg ? b.Layer(Op.MaxPool2dGrad, null, 0, tg, b[node][1]) : null;

    /// <summary>The backward tangent kernel of the mode asked for one part: t(∂L/∂x) written, t(∂L/∂γ) added.</summary>
    private sealed class BatchNormGradTangentKernel : LayerPartKernel
    {
        protected override string What => "batch-norm gradient tangent";

        protected override bool WritesWhole(Node n) => NormGradPart(n) == 0;

        protected override void Call(IKernelWriter w, Node n, string output)
        {
            var forward = w[n[1]];
            var (channels, spatial) = Normalized(w.Dag, forward);
            string c = w.Dim(channels), s = w.Dim(spatial), layer = forward.Name!, batch = SamplesOf(w, forward);
            string x = w.Span(forward[0]), gamma = w.Span(forward[1]), g = w.Span(n[0]);
            var present = NormGradTangents(n).ToDictionary(t => t.Of, t => w.Span(t.Arg));
            string Tangent(string of) => present.TryGetValue(of, out var span) ? span : "default";
            string tx = Tangent("x"), tGamma = Tangent("γ"), tg = Tangent("g");
            int part = NormGradPart(n);
            string tdx = part == 0 ? output : "default", tdGamma = part == 1 ? output : "default";
            string mean = w.Scratch(n[1], "Mean"), invStd = w.Scratch(n[1], "InvStd");
            w.Line($"if ({w.Training}) {w.Kernels}.BatchNormBackwardTangentTraining({x}, {tx}, {g}, {tg}, {tdx}, {batch}, {c}, {s}, {gamma}, {tGamma}, {mean}.AsSpan(0, {c}), {invStd}.AsSpan(0, {c}), {tdGamma}, default);");
            w.Line($"else {w.Kernels}.BatchNormBackwardTangentEvaluation({x}, {tx}, {g}, {tg}, {tdx}, {batch}, {c}, {s}, {gamma}, {tGamma}, {layer}.RunningMean.Span, {layer}.RunningVariance.Span, {layer}.Epsilon, {tdGamma}, default);");
        }
    }

    /// <summary>The backward tangent kernel asked for one part: t(∂L/∂x) written, t(∂L/∂W) added.</summary>
    private sealed class Conv2dGradTangentKernel : LayerPartKernel
    {
        protected override string What => "convolution gradient tangent";

        protected override bool WritesWhole(Node n) => n.Value == 0;

        protected override void Call(IKernelWriter w, Node n, string output)
        {
            var forward = w[n[1]];
            string geometry = w.Geometry, columns = w.Columns;
            string x = w.Span(forward[0]), weights = w.Span(forward[1]), g = w.Span(n[0]), moved = w.Span(n[2]);
            string tg = n.Arity > 3 ? w.Span(n[3]) : "default";
            string tx = n.Value == 1 ? moved : "default", tWeights = n.Value == 0 ? moved : "default";
            string tdx = n.Value == 0 ? output : "default", tdWeights = n.Value == 1 ? output : "default";
            w.Scope(() =>
            {
                w.Line($"var {geometry} = {ConvGeometry(w, forward)};");
                w.Line(Grow(w, columns, geometry + ".ColumnLength"));
                w.Line($"{w.Kernels}.Conv2dBackwardTangent({geometry}, {SamplesOf(w, forward)}, {x}, {tx}, {weights}, {tWeights}, {g}, {tg}, {tdWeights}, default, {tdx}, {columns});");
            });
        }
    }
}
