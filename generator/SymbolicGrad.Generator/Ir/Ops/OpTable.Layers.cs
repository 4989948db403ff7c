using System;
using System.Collections.Generic;
using System.Linq;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The layers of model methods — dropout, batch normalization, convolution, max pooling — and the image view they
/// work on. Each lowers to the runtime's kernels (src/SymbolicGrad/Kernels/README.md is the contract); their results
/// depend on the model's mode, read once per call, and dropout on the random stream taken once per forward pass.
/// A layer's pullback is one op per operand (∂/∂x, ∂/∂W …), each a call of the layer's backward kernel asking for
/// that part only, so a parameter's part goes straight into its gradient through the parameter store.
/// </summary>
internal static partial class OpTable
{
    /// <summary>A vector viewed as a channels × height × width image (<c>Args[1..3]</c>, int constants), or back.</summary>
    public static readonly OpDef Reshape = new(Op.Reshape, "view", OpTraits.Indexed | OpTraits.View)
    {
        Shape = (b, n) => Shape.Image(IntDim(b, n[1]), IntDim(b, n[2]), IntDim(b, n[3]), b[n[0]].Batched),
        Pullback = (b, node, operand, g) =>
            operand == 0 ? b.Structural(Op.Reshape, b[node].Kind, b[b[node][0]].Shape!.WithBatched(b[g].Batched), null, g) : null,
        Pushforward = (b, node, t) => t[0] is int tv ? b.Structural(Op.Reshape, b[node].Kind, b[node].Shape!.WithBatched(b[tv].Batched), null, tv) : null,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        Lanes = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        Checks = (dag, n, size, method) =>
        {
            if (n.Arity < 4) return new string[0];
            var from = dag[n[0]].Shape!.Length;
            var to = n.Shape!;
            string shape = size(to.Channels) + ", " + size(to.Height) + ", " + size(to.Width);
            return new[]
            {
                $"if ({size(to.Length)} != {size(from)}) throw new global::System.ArgumentException($\"{method}: AsImage({shape}) needs {{{size(to.Length)}}} elements per sample, but the vector has {{{size(from)}}}.\");",
            };
        },
    };

    /// <summary>
    /// Inverted dropout, PyTorch's: in training each element is kept with probability 1 − p and scaled by 1/(1 − p);
    /// in evaluation the identity. Its site (<see cref="Node.Value"/>) tells its mask from every other call's, and its
    /// pullback is dropout of the adjoint with the same site: the same mask, recomputed rather than stored.
    /// </summary>
    public static readonly OpDef Dropout = new(Op.Dropout, "dropout", OpTraits.Structural | OpTraits.ReadsMode | OpTraits.DrawsRandom)
    {
        Shape = (b, n) => b[n[0]].Shape,
        Pullback = (b, node, operand, g) =>
            operand == 0 ? b.Layer(Op.Dropout, null, b[node].Value, g, b[node][1]) : null,
        // Linear in x with the call's mask (or the identity): the tangent goes through the same mask, the same site.
        Pushforward = (b, node, t) => t[0] is int tx ? b.Layer(Op.Dropout, null, b[node].Value, tx, b[node][1]) : null,
        Math = new Notation.Custom((c, n) => ("dropout(" + c.Operand(n[0], 0) + ", " + c.Operand(n[1], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new DropoutKernel(),
    };

    /// <summary>Batch normalization by layer <see cref="Node.Name"/> (PyTorch's BatchNorm1d, or BatchNorm2d for an image).</summary>
    public static readonly OpDef BatchNorm = new(Op.BatchNorm, "bn", OpTraits.Structural | OpTraits.ReadsMode)
    {
        Shape = (b, n) => b[n[0]].Shape,
        Pullback = (b, node, operand, g) => b.Layer(Op.BatchNormGrad, b[node].Name, operand, g, node),
        // One node for both modes, chosen when it runs: the running statistics, or the batch's (OpTable.LayerSecondOrder.cs).
        Pushforward = (b, node, t) =>
        {
            var present = t.Select((tangent, k) => (tangent, k)).Where(p => p.tangent is not null).ToList();
            if (present.Count == 0) return null;
            int mask = present.Sum(p => 1 << p.k);
            return b.Layer(Op.BatchNormTangent, b[node].Name, mask, present.Select(p => p.tangent!.Value).Prepend(node).ToArray());
        },
        Math = new Notation.Custom((c, n) => (Identifiers.Bare(n.Name!) + "(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Scratch = new[] { ("Mean", "float"), ("InvStd", "float") },
        Checks = (dag, n, size, method) =>
        {
            var (channels, _) = Normalized(dag, n);
            string layer = n.Name!;
            return new[]
            {
                $"if ({layer}.Features != {size(channels)}) throw new global::System.ArgumentException($\"{method}: {{{layer}}} normalizes {{{layer}.Features}} {(n.Value == 1 ? "channels" : "features")}, but its input has {{{size(channels)}}}.\");",
            };
        },
        Kernel = new BatchNormKernel(),
    };

    /// <summary>
    /// Batch normalization's tangent: with the running statistics γ·s·tx + x̂·tγ + tβ; in training mode through the
    /// batch's, γ·s·(tx − mean(tx) − x̂·mean(x̂·tx)) + x̂·tγ + tβ (x̂ the normalized input, s = 1/σ).
    /// </summary>
    public static readonly OpDef BatchNormTangent = new(Op.BatchNormTangent, "tbn", OpTraits.Structural | OpTraits.ReadsMode)
    {
        Shape = (b, n) => b[n[0]].Shape,
        Math = new Notation.Custom((c, n) => ("∂" + Identifiers.Bare(n.Name!) + "(" + string.Join(", ", n.Args.Skip(1).Select(a => c.Operand(a, 0))) + ")", Precedence.Primary)),
        OperandsInMemory = n => n.Args.ToArray(),
        Kernel = new BatchNormTangentKernel(),
    };

    /// <summary>One part of batch normalization's pullback, through the batch statistics in training mode.</summary>
    public static readonly OpDef BatchNormGrad = new(Op.BatchNormGrad, "dbn", OpTraits.Structural | OpTraits.ReadsMode)
    {
        Shape = (b, n) => PartShape(b, n),
        // Second order, in either mode (OpTable.LayerSecondOrder.cs).
        Pushforward = BatchNormGradPushforward,
        Math = new Notation.Custom((c, n) => ("(∂" + Identifiers.Bare(n.Name!) + "/∂" + PartName(n, "γ", "β") + ")ᵀ·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new BatchNormGradKernel(),
    };

    /// <summary>2-D convolution by layer <see cref="Node.Name"/>: im2col and a GEMM per sample (the runtime's kernel).</summary>
    public static readonly OpDef Conv2d = new(Op.Conv2d, "conv", OpTraits.Structural)
    {
        Shape = (b, n) =>
        {
            var image = b[n[0]].Shape!;
            Dim Member(string name) => new Dim.LayerMember(n.Name!, name);
            return Shape.Image(Member("OutChannels"),
                Dim.Slide(image.Height, Member("Kernel"), Member("Stride"), Member("Padding")),
                Dim.Slide(image.Width, Member("Kernel"), Member("Stride"), Member("Padding")), image.Batched);
        },
        Pullback = (b, node, operand, g) => b.Layer(Op.Conv2dGrad, b[node].Name, operand, g, node),
        // Linear in each operand: one tangent kernel, reading x and W, with the tangents there are (the data's is none).
        Pushforward = (b, node, t) =>
        {
            var present = t.Select((tangent, k) => (tangent, k)).Where(p => p.tangent is not null).ToList();
            if (present.Count == 0) return null;
            int mask = present.Sum(p => 1 << p.k);
            var args = new[] { b[node][0], b[node][1] }.Concat(present.Select(p => p.tangent!.Value)).ToArray();
            return b.Layer(Op.Conv2dTangent, b[node].Name, mask, args);
        },
        Math = new Notation.Custom((c, n) => (Identifiers.Bare(n.Name!) + "(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Checks = (dag, n, size, method) =>
        {
            var image = dag[n[0]].Shape!;
            string layer = n.Name!;
            return new[]
            {
                $"if ({layer}.InChannels != {size(image.Channels)}) throw new global::System.ArgumentException($\"{method}: {{{layer}}} takes {{{layer}.InChannels}} input channels, but its input is {{{size(image.Channels)}}}×{{{size(image.Height)}}}×{{{size(image.Width)}}}.\");",
                // Throws, naming the layer and the sizes, when the kernel does not fit the image.
                $"{CompilerServices}.Conv2dGeometry.For({layer}, {size(image.Height)}, {size(image.Width)});",
            };
        },
        Kernel = new Conv2dKernel(),
    };

    /// <summary>Convolution's tangent: (∂conv/∂x)·tx + (∂conv/∂W)·tW + tb, the terms of the tangents present.</summary>
    public static readonly OpDef Conv2dTangent = new(Op.Conv2dTangent, "tconv", OpTraits.Structural)
    {
        Shape = (b, n) =>
        {
            var image = b[n[0]].Shape!;
            Dim Member(string name) => new Dim.LayerMember(n.Name!, name);
            return Shape.Image(Member("OutChannels"),
                Dim.Slide(image.Height, Member("Kernel"), Member("Stride"), Member("Padding")),
                Dim.Slide(image.Width, Member("Kernel"), Member("Stride"), Member("Padding")), n.Args.Any(a => b[a].Batched));
        },
        Math = new Notation.Custom((c, n) =>
        {
            int mask = (int)n.Value, next = 2;
            string layer = Identifiers.Bare(n.Name!);
            var terms = new List<string>();
            if ((mask & 1) != 0) terms.Add($"(∂{layer}/∂x)·" + c.Operand(n[next++], Precedence.Primary));
            if ((mask & 2) != 0) terms.Add($"(∂{layer}/∂W)·" + c.Operand(n[next++], Precedence.Primary));
            if ((mask & 4) != 0) terms.Add(c.Operand(n[next++], Precedence.Additive));
            return (string.Join(" + ", terms), terms.Count > 1 ? Precedence.Additive : Precedence.Multiplicative);
        }),
        OperandsInMemory = n => n.Args.ToArray(),
        Kernel = new Conv2dTangentKernel(),
    };

    /// <summary>One part of convolution's pullback: Wᵀ·g scattered back (col2im), g·colsᵀ, or g summed per channel.</summary>
    public static readonly OpDef Conv2dGrad = new(Op.Conv2dGrad, "dconv", OpTraits.Structural)
    {
        Shape = (b, n) => PartShape(b, n),
        // Second order: bilinear in the adjoint and the other operand (OpTable.LayerSecondOrder.cs).
        Pushforward = Conv2dGradPushforward,
        Math = new Notation.Custom((c, n) => ("(∂" + Identifiers.Bare(n.Name!) + "/∂" + PartName(n, "W", "b") + ")ᵀ·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new Conv2dGradKernel(),
    };

    /// <summary>Max pooling, no padding, floor mode; each output remembers which input it took (argmax).</summary>
    public static readonly OpDef MaxPool2d = new(Op.MaxPool2d, "maxpool", OpTraits.Structural)
    {
        Shape = (b, n) =>
        {
            var image = b[n[0]].Shape!;
            Dim size = IntDim(b, n[1]), stride = IntDim(b, n[2]), none = new Dim.Constant(0);
            return Shape.Image(image.Channels, Dim.Slide(image.Height, size, stride, none), Dim.Slide(image.Width, size, stride, none), image.Batched);
        },
        Pullback = (b, node, operand, g) => operand == 0 ? b.Layer(Op.MaxPool2dGrad, null, 0, g, node) : null,
        // The tangent of the input each output took: the forward's argmax, so value, tangent and gradient agree on ties.
        Pushforward = (b, node, t) => t[0] is int tx ? b.Layer(Op.MaxPool2dTangent, null, 0, tx, node) : null,
        Math = new Notation.Custom((c, n) => ("maxpool(" + c.Operand(n[0], 0) + ", " + c.Operand(n[1], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Scratch = new[] { ("Argmax", "int") },
        // Throws, naming the sizes, when the window does not fit the image.
        Checks = (dag, n, size, method) => new[] { $"new {CompilerServices}.Pool2dGeometry({PoolGeometry(dag, n, size)});" },
        Kernel = new MaxPool2dKernel(),
    };

    /// <summary>Max pooling's pullback: each output's adjoint goes to the input it took.</summary>
    public static readonly OpDef MaxPool2dGrad = new(Op.MaxPool2dGrad, "dmaxpool", OpTraits.Structural)
    {
        Shape = (b, n) => b[b[n[1]][0]].Shape!.WithBatched(b[n[0]].Batched),
        // Second order: linear in the adjoint, routed by the same argmax (OpTable.LayerSecondOrder.cs).
        Pushforward = MaxPool2dGradPushforward,
        Math = new Notation.Custom((c, n) => ("(∂maxpool/∂x)ᵀ·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new MaxPool2dGradKernel(),
    };

    /// <summary>Max pooling's tangent: each output's is the tangent of the input the forward pass took.</summary>
    public static readonly OpDef MaxPool2dTangent = new(Op.MaxPool2dTangent, "tmaxpool", OpTraits.Structural)
    {
        Shape = (b, n) => b[n[1]].Shape!.WithBatched(b[n[0]].Batched || b[n[1]].Batched),
        Math = new Notation.Custom((c, n) => ("(∂maxpool/∂x)·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new MaxPool2dTangentKernel(),
    };

    private const string CompilerServices = "global::SymbolicGrad.CompilerServices";

    private static Dim IntDim(GraphBuilder b, int node) => new Dim.Constant((int)b[node].Value);

    /// <summary>∂/∂(operand <see cref="Node.Value"/>) of the forward layer <c>Args[1]</c>: that operand's shape (batched as the adjoint for the input).</summary>
    private static Shape PartShape(GraphBuilder b, Node n) => PartShape(b, n, (int)n.Value);

    // The shape of the part-th operand's gradient (x's batched as the adjoint n[0] is); n[1] is the forward layer.
    private static Shape PartShape(GraphBuilder b, Node n, int part)
    {
        var forward = b[n[1]];
        var operand = b[forward[part]];
        return part == 0 ? operand.Shape!.WithBatched(b[n[0]].Batched) : operand.Shape!;
    }

    private static string PartName(Node n, string first, string second) => PartName((int)n.Value, first, second);

    private static string PartName(int part, string first, string second) => part switch
    {
        0 => "x",
        1 => first,
        _ => second,
    };

    /// <summary>Batch norm's channels and values per channel: an image's channels and pixels, or a vector's features and 1.</summary>
    private static (Dim Channels, Dim Spatial) Normalized(Dag dag, Node bn)
    {
        var shape = dag[bn[0]].Shape!;
        return bn.Value == 1 ? (shape.Channels, Dim.Times(shape.Height, shape.Width)) : (shape.Length, new Dim.Constant(1));
    }

    private static string PoolGeometry(Dag dag, Node pool, Func<Dim, string> size)
    {
        var image = dag[pool[0]].Shape!;
        return $"{size(image.Channels)}, {size(image.Height)}, {size(image.Width)}, {(int)dag[pool[1]].Value}, {(int)dag[pool[2]].Value}";
    }

    private static string SamplesOf(IKernelWriter w, Node n) => n.Batched ? w.Batch : "1";

    private static string Grow(IKernelWriter w, string buffer, string length) =>
        $"{buffer} = {CompilerServices}.Workspace.Grow({buffer}, {length});";

    // ---- Kernels ----------------------------------------------------------------------------------

    /// <summary>The mask of (stream, site, sample, element) in training; a copy in evaluation.</summary>
    private sealed class DropoutKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string x = w.Span(n[0]), y = w.Span(node), p = w.Element(n[1], "0", "0");
            w.Line($"{w.Kernels}.CheckDropoutProbability({p}, \"{w.MethodName}: Dropout\");");
            w.Line($"if ({w.Training}) {w.Kernels}.DropoutForward({x}, {y}, {SamplesOf(w, n)}, {w.Dim(n.Shape!.Length)}, {p}, {w.Stream}, {(int)n.Value});");
            w.Line($"else {x}.CopyTo({y});");
        }
    }

    /// <summary>Batch statistics (saved for the backward pass, running ones updated) in training; running ones in evaluation.</summary>
    private sealed class BatchNormKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var (channels, spatial) = Normalized(w.Dag, n);
            string c = w.Dim(channels), s = w.Dim(spatial), layer = n.Name!;
            string x = w.Span(n[0]), y = w.Span(node), gamma = w.Span(n[1]), beta = w.Span(n[2]);
            string mean = w.Scratch(node, "Mean"), invStd = w.Scratch(node, "InvStd"), batch = SamplesOf(w, n);
            w.Line($"if ({w.Training})");
            w.Scope(() =>
            {
                w.Line(Grow(w, mean, c));
                w.Line(Grow(w, invStd, c));
                w.Line($"{w.Kernels}.BatchNormForwardTraining({x}, {y}, {batch}, {c}, {s}, {gamma}, {beta}, {layer}.RunningMean.Span, {layer}.RunningVariance.Span, {layer}.Momentum, {layer}.Epsilon, {mean}.AsSpan(0, {c}), {invStd}.AsSpan(0, {c}));");
            });
            w.Line($"else {w.Kernels}.BatchNormForwardEvaluation({x}, {y}, {batch}, {c}, {s}, {gamma}, {beta}, {layer}.RunningMean.Span, {layer}.RunningVariance.Span, {layer}.Epsilon);");
        }
    }

    /// <summary>The backward kernel of the mode, asked for one of ∂L/∂x (written), ∂L/∂γ, ∂L/∂β (added).</summary>
    private sealed class BatchNormGradKernel : LayerPartKernel
    {
        protected override string What => "batch-norm gradient";

        protected override bool WritesWhole(Node n) => n.Value == 0;

        protected override void Call(IKernelWriter w, Node n, string output)
        {
            var forward = w[n[1]];
            var (channels, spatial) = Normalized(w.Dag, forward);
            string c = w.Dim(channels), s = w.Dim(spatial), layer = forward.Name!, batch = SamplesOf(w, forward);
            string x = w.Span(forward[0]), g = w.Span(n[0]), gamma = w.Span(forward[1]);
            string dx = n.Value == 0 ? output : "default", dGamma = n.Value == 1 ? output : "default", dBeta = n.Value == 2 ? output : "default";
            string mean = w.Scratch(n[1], "Mean"), invStd = w.Scratch(n[1], "InvStd");
            w.Line($"if ({w.Training}) {w.Kernels}.BatchNormBackwardTraining({x}, {g}, {dx}, {batch}, {c}, {s}, {gamma}, {mean}.AsSpan(0, {c}), {invStd}.AsSpan(0, {c}), {dGamma}, {dBeta});");
            w.Line($"else {w.Kernels}.BatchNormBackwardEvaluation({x}, {g}, {dx}, {batch}, {c}, {s}, {gamma}, {layer}.RunningMean.Span, {layer}.RunningVariance.Span, {layer}.Epsilon, {dGamma}, {dBeta});");
        }
    }

    /// <summary>The tangent kernel of the mode (the batch's saved statistics, or the running ones); a missing tangent is an empty span (zeros).</summary>
    private sealed class BatchNormTangentKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var forward = w[n[0]];
            var (channels, spatial) = Normalized(w.Dag, forward);
            string c = w.Dim(channels), s = w.Dim(spatial), layer = forward.Name!, batch = SamplesOf(w, forward);
            int mask = (int)n.Value, next = 1;
            string Tangent(int bit) => (mask & bit) != 0 ? w.Span(n[next++]) : "default";
            string tx = Tangent(1), tGamma = Tangent(2), tBeta = Tangent(4);
            string x = w.Span(forward[0]), gamma = w.Span(forward[1]), mean = w.Scratch(n[0], "Mean"), invStd = w.Scratch(n[0], "InvStd");
            w.Line($"if ({w.Training}) {w.Kernels}.BatchNormTangentTraining({x}, {tx}, {tGamma}, {tBeta}, {w.Span(node)}, {batch}, {c}, {s}, {gamma}, {mean}.AsSpan(0, {c}), {invStd}.AsSpan(0, {c}));");
            w.Line($"else {w.Kernels}.BatchNormTangentEvaluation({x}, {tx}, {tGamma}, {tBeta}, {w.Span(node)}, {batch}, {c}, {s}, {gamma}, {layer}.RunningMean.Span, {layer}.RunningVariance.Span, {layer}.Epsilon);");
        }
    }

    /// <summary>im2col into the shared column buffer, then one GEMM per sample.</summary>
    private sealed class Conv2dKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string geometry = w.Geometry, columns = w.Columns;
            string x = w.Span(n[0]), weights = w.Span(n[1]), bias = w.Span(n[2]), y = w.Span(node);
            w.Scope(() =>
            {
                w.Line($"var {geometry} = {ConvGeometry(w, n)};");
                w.Line(Grow(w, columns, geometry + ".ColumnLength"));
                w.Line($"{w.Kernels}.Conv2dForward({geometry}, {SamplesOf(w, n)}, {x}, {weights}, {bias}, {y}, {columns});");
            });
        }
    }

    private static string ConvGeometry(IKernelWriter w, Node conv)
    {
        var image = w[conv[0]].Shape!;
        return $"{CompilerServices}.Conv2dGeometry.For({conv.Name}, {w.Dim(image.Height)}, {w.Dim(image.Width)})";
    }

    /// <summary>The backward kernel asked for one of ∂L/∂x (written), ∂L/∂W, ∂L/∂bias (added).</summary>
    private sealed class Conv2dGradKernel : LayerPartKernel
    {
        protected override string What => "convolution gradient";

        protected override bool WritesWhole(Node n) => n.Value == 0;

        protected override void Call(IKernelWriter w, Node n, string output)
        {
            var forward = w[n[1]];
            string geometry = w.Geometry, columns = w.Columns;
            string x = w.Span(forward[0]), weights = w.Span(forward[1]), g = w.Span(n[0]);
            string dx = n.Value == 0 ? output : "default", dWeights = n.Value == 1 ? output : "default", dBias = n.Value == 2 ? output : "default";
            w.Scope(() =>
            {
                w.Line($"var {geometry} = {ConvGeometry(w, forward)};");
                w.Line(Grow(w, columns, geometry + ".ColumnLength"));
                w.Line($"{w.Kernels}.Conv2dBackward({geometry}, {SamplesOf(w, forward)}, {x}, {weights}, {g}, {dWeights}, {dBias}, {dx}, {columns});");
            });
        }
    }

    /// <summary>The tangent kernel on x and W; a missing tangent is an empty span (zeros, its convolution skipped).</summary>
    private sealed class Conv2dTangentKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string geometry = w.Geometry, columns = w.Columns;
            int mask = (int)n.Value, next = 2;
            string Tangent(int bit) => (mask & bit) != 0 ? w.Span(n[next++]) : "default";
            string tx = Tangent(1), tWeights = Tangent(2), tBias = Tangent(4);
            string x = w.Span(n[0]), weights = w.Span(n[1]), y = w.Span(node);
            w.Scope(() =>
            {
                w.Line($"var {geometry} = {ConvGeometry(w, n)};");
                w.Line(Grow(w, columns, geometry + ".ColumnLength"));
                w.Line($"{w.Kernels}.Conv2dTangent({geometry}, {SamplesOf(w, n)}, {x}, {tx}, {weights}, {tWeights}, {tBias}, {y}, {columns});");
            });
        }
    }

    /// <summary>The maxima of each window, and where they were (argmax, for the backward pass).</summary>
    private sealed class MaxPool2dKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string geometry = w.Geometry, argmax = w.Scratch(node, "Argmax"), batch = SamplesOf(w, n);
            string x = w.Span(n[0]), y = w.Span(node);
            w.Scope(() =>
            {
                w.Line($"var {geometry} = new {CompilerServices}.Pool2dGeometry({PoolGeometry(w.Dag, n, w.Dim)});");
                w.Line(Grow(w, argmax, $"{batch} * {geometry}.OutputLength"));
                w.Line($"{w.Kernels}.MaxPool2dForward({geometry}, {batch}, {x}, {y}, {argmax}.AsSpan(0, {batch} * {geometry}.OutputLength));");
            });
        }
    }

    /// <summary>Zeros, then each output's adjoint added at its argmax.</summary>
    private sealed class MaxPool2dGradKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var forward = w[n[1]];
            string geometry = w.Geometry, argmax = w.Scratch(n[1], "Argmax"), batch = SamplesOf(w, forward);
            string g = w.Span(n[0]), dx = w.Span(node);
            w.Scope(() =>
            {
                w.Line($"var {geometry} = new {CompilerServices}.Pool2dGeometry({PoolGeometry(w.Dag, forward, w.Dim)});");
                w.Line($"{w.Kernels}.MaxPool2dBackward({geometry}, {batch}, {argmax}.AsSpan(0, {batch} * {geometry}.OutputLength), {g}, {dx});");
            });
        }
    }

    /// <summary>Each output's tangent read at the argmax the forward kernel saved.</summary>
    private sealed class MaxPool2dTangentKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            var forward = w[n[1]];
            string geometry = w.Geometry, argmax = w.Scratch(n[1], "Argmax"), batch = SamplesOf(w, forward);
            string tx = w.Span(n[0]), ty = w.Span(node);
            w.Scope(() =>
            {
                w.Line($"var {geometry} = new {CompilerServices}.Pool2dGeometry({PoolGeometry(w.Dag, forward, w.Dim)});");
                w.Line($"{w.Kernels}.MaxPool2dTangent({geometry}, {batch}, {argmax}.AsSpan(0, {batch} * {geometry}.OutputLength), {tx}, {ty});");
            });
        }
    }

    private static Dag DagOf(IKernelWriter w, Node n) => w.Dag;
}
