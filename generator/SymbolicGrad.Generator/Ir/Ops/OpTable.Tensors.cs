using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Tensor operations that are not element-wise: kernel calls (matrix products, reductions) and the inline reads of
/// another position (a label's element, a slice, a broadcast). Element-wise vector work is the scalar ops with a shape.
/// </summary>
internal static partial class OpTable
{
    private static Shape? PerSampleScalar(GraphBuilder b, int vector) => b[vector].Batched ? Shape.BatchedScalar : null;

    /// <summary>y = W·x (a GEMM for a batch): ∂/∂W = Σ_batch g·xᵀ, ∂/∂x = Wᵀ·g.</summary>
    public static readonly OpDef MatVec = new(Op.MatVec, "matvec", OpTraits.Structural)
    {
        Shape = (b, n) => Shape.Vector(b[n[0]].Shape!.Rows, b[n[1]].Batched),
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            return operand == 0
                ? b.Structural(Op.Outer, n.Kind, b[n[0]].Shape, null, g, n[1])
                : b.Structural(Op.MatTVec, n.Kind, b[n[1]].Shape!.WithBatched(b[g].Batched), null, n[0], g);
        },
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary) + "·" + c.Operand(n[1], Precedence.Primary), Precedence.Multiplicative)),
        // (W + tW)·(x + tx) to first order: tW·x + W·tx.
        Pushforward = (b, node, t) =>
        {
            var n = b[node];
            int? byMatrix = t[0] is int tw ? b.Structural(Op.MatVec, n.Kind, tw, n[1]) : null;
            int? byVector = t[1] is int tx ? b.Structural(Op.MatVec, n.Kind, n[0], tx) : null;
            return Plus(b, byMatrix, byVector);
        },
        OperandsInMemory = n => new[] { n[1] },
        Kernel = new MatVecKernel(transposed: false),
    };

    /// <summary>Wᵀ·g: the adjoint of the vector operand of <see cref="MatVec"/>.</summary>
    public static readonly OpDef MatTVec = new(Op.MatTVec, "mattvec", OpTraits.Structural)
    {
        Pushforward = (b, node, t) =>
        {
            var n = b[node];
            int? byMatrix = t[0] is int tw ? b.Structural(Op.MatTVec, n.Kind, n.Shape, null, tw, n[1]) : null;
            int? byVector = t[1] is int tg ? b.Structural(Op.MatTVec, n.Kind, n.Shape, null, n[0], tg) : null;
            return Plus(b, byMatrix, byVector);
        },
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary) + "ᵀ·" + c.Operand(n[1], Precedence.Primary), Precedence.Multiplicative)),
        OperandsInMemory = n => new[] { n[1] },
        Kernel = new MatVecKernel(transposed: true),
    };

    /// <summary>Σ over the batch of g·xᵀ: the adjoint of the matrix operand of <see cref="MatVec"/>.</summary>
    public static readonly OpDef Outer = new(Op.Outer, "outer", OpTraits.Structural)
    {
        Pushforward = (b, node, t) =>
        {
            var n = b[node];
            int? byLeft = t[0] is int tg ? b.Structural(Op.Outer, n.Kind, n.Shape, null, tg, n[1]) : null;
            int? byRight = t[1] is int tx ? b.Structural(Op.Outer, n.Kind, n.Shape, null, n[0], tx) : null;
            return Plus(b, byLeft, byRight);
        },
        Math = new Notation.Custom((c, n) => ("Σ " + c.Operand(n[0], Precedence.Primary) + "·" + c.Operand(n[1], Precedence.Primary) + "ᵀ", Precedence.Unary)),
        OperandsInMemory = n => new[] { n[0], n[1] },
        Kernel = new OuterKernel(),
    };

    /// <summary>The sum of a vector's elements; every element gets the sum's adjoint.</summary>
    public static readonly OpDef Sum = new(Op.Sum, "sum", OpTraits.Structural)
    {
        Shape = (b, n) => PerSampleScalar(b, n[0]),
        Pullback = (b, node, operand, g) => g,
        Pushforward = (b, node, t) => t[0] is int tv ? b.Structural(Op.Sum, b[node].Kind, tv) : null,
        Math = new Notation.Custom((c, n) => ("Σ" + c.Operand(n[0], Precedence.Primary), Precedence.Unary)),
        Kernel = new SumKernel(),
    };

    /// <summary>log Σ exp, computed stably; ∂/∂z = softmax(z) = exp(z − lse).</summary>
    public static readonly OpDef LogSumExp = new(Op.LogSumExp, "logsumexp", OpTraits.Structural)
    {
        Shape = (b, n) => PerSampleScalar(b, n[0]),
        Pullback = (b, node, operand, g) => b.Mul(g, b.Structural(Op.Softmax, b[node].Kind, b[node][0], node)),
        // Σ softmax(z)·tz.
        Pushforward = (b, node, t) => t[0] is int tz ? b.Structural(Op.Sum, b[node].Kind, b.Mul(tz, b.Structural(Op.Softmax, b[node].Kind, b[node][0], node))) : null,
        Math = new Notation.Custom((c, n) => ("logΣexp(" + c.Operand(n[0], 0) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
        Kernel = new LogSumExpKernel(),
    };

    /// <summary>
    /// softmax(z) = exp(z − s), s = log Σ exp(z) given as the second operand (the derivative of
    /// <see cref="LogSumExp"/>): a kernel, so the exponentials of a whole batch run on vectors. Its derivatives are
    /// those of exp(z − s): ∂/∂z = g ⊙ softmax, ∂/∂s = −Σ g ⊙ softmax.
    /// </summary>
    public static readonly OpDef Softmax = new(Op.Softmax, "softmax", OpTraits.Structural)
    {
        Shape = (b, n) => b[n[0]].Shape,
        Pullback = (b, node, operand, g) =>
        {
            int byZ = b.Mul(g, node);
            return operand == 0 ? byZ : b.Neg(b.Structural(Op.Sum, b[node].Kind, byZ));
        },
        // softmax ⊙ (tz − ts).
        Pushforward = (b, node, t) =>
        {
            if (t[0] is null && t[1] is null) return null;
            int shift = t[0] is int tz ? (t[1] is int ts ? b.Sub(tz, ts) : tz) : b.Neg(t[1]!.Value);
            return b.Mul(node, shift);
        },
        Math = new Notation.Custom((c, n) => ("exp(" + c.Operand(n[0], 0) + " − " + c.Operand(n[1], Precedence.Additive + 1) + ")", Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0], n[1] },
        Kernel = new SoftmaxKernel(),
    };

    /// <summary>
    /// v[k] for an int k; its adjoint is a one-hot vector. A loss's pick at an input label (no <see cref="Node.Name"/>)
    /// is checked once with the arguments; a read the user's code makes (<see cref="Node.Name"/> names it) is checked
    /// where its index is used, and throws what the user's <c>Vec</c> indexer throws.
    /// </summary>
    public static readonly OpDef Pick = new(Op.Pick, "pick", OpTraits.Indexed)
    {
        // Index 0 where the read's condition does not hold (the vector's only element that surely exists).
        SafeOperands = (b, n) => n.Name is null ? null : new int?[] { null, b.Zero(ScalarKind.Int32) },
        Shape = (b, n) => b[n[0]].Batched || b[n[1]].Batched ? Shape.BatchedScalar : null,
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            return operand == 0 ? b.Structural(Op.OneHot, n.Kind, b.Broadcast(n[0], g), null, g, n[1]) : null;
        },
        // The same element of the vector's tangent (the index was checked where the value itself is read).
        Pushforward = (b, node, t) => t[0] is int tv ? b.Structural(Op.Pick, b[node].Kind, tv, b[node][1]) : null,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary) + "[" + c.Operand(n[1], 0) + "]", Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) => (c.Element(n[0], n.Name is null ? c.Operand(n[1], 0) : CheckedIndex(c, n)), Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
    };

    private static string CheckedIndex(IExpressionContext c, Node n) =>
        "global::SymbolicGrad.CompilerServices.IndexCheck.Within(" + c.Operand(n[1], 0) + ", " + c.Dim(c[n[0]].Shape!.Length) + ", " + Literals.String(n.Name!) + ")";

    /// <summary>A vector that is <c>Args[0]</c> at index <c>Args[1]</c> and 0 elsewhere.</summary>
    public static readonly OpDef OneHot = new(Op.OneHot, "onehot", OpTraits.Indexed)
    {
        Pushforward = (b, node, t) => t[0] is int tg ? b.Structural(Op.OneHot, b[node].Kind, b[node].Shape, null, tg, b[node][1]) : null,
        Math = new Notation.Custom((c, n) => ("onehot(" + c.Operand(n[1], 0) + ")·" + c.Operand(n[0], Precedence.Primary), Precedence.Multiplicative)),
        CSharp = new Notation.Custom((c, n) =>
            ("(" + c.Index + " == " + c.Operand(n[1], 0) + " ? " + c.Operand(n[0], 0) + " : " + Literals.Format(0, n.Kind, false).Text + ")", Precedence.Primary)),
    };

    /// <summary>[a; b]: its adjoint splits into the two parts.</summary>
    public static readonly OpDef Concat = new(Op.Concat, "concat", OpTraits.Structural)
    {
        Shape = (b, n) => Shape.Vector(new Dim.Sum(b[n[0]].Shape!.Length, b[n[1]].Shape!.Length), b[n[0]].Batched || b[n[1]].Batched),
        Pullback = (b, node, operand, g) =>
        {
            var n = b[node];
            var part = b[n[operand]];
            Dim offset = operand == 0 ? new Dim.Constant(0) : b[n[0]].Shape!.Length;
            return b.Structural(Op.Slice, n.Kind, part.Shape!.WithBatched(b[g].Batched), offset, g);
        },
        // [ta; tb], a zero part where one tangent is zero.
        Pushforward = (b, node, t) => t[0] is null && t[1] is null ? null
            : b.Structural(Op.Concat, b[node].Kind, ZeroIfNull(b, t[0], b[node][0]), ZeroIfNull(b, t[1], b[node][1])),
        Math = new Notation.Custom((c, n) => ("[" + c.Operand(n[0], 0) + "; " + c.Operand(n[1], 0) + "]", Precedence.Primary)),
        Kernel = new ConcatKernel(),
    };

    /// <summary>The elements of a vector from <see cref="Node.Dim"/> on (a part of a concatenation's adjoint).</summary>
    public static readonly OpDef Slice = new(Op.Slice, "slice", OpTraits.Indexed)
    {
        Pushforward = (b, node, t) => t[0] is int tv ? b.Structural(Op.Slice, b[node].Kind, b[node].Shape, b[node].Dim, tv) : null,
        Math = new Notation.Custom((c, n) => ("part " + (n.Dim is Dim.Constant { Value: 0 } ? "1" : "2") + " of " + c.Operand(n[0], Precedence.Primary), Precedence.Unary)),
        CSharp = new Notation.Custom((c, n) => (c.Element(n[0], SliceIndex(c, n)), Precedence.Primary)),
        OperandsInMemory = n => new[] { n[0] },
    };

    /// <summary>The position in the sliced vector of the slice's current element.</summary>
    public static string SliceIndex(IExpressionContext c, Node n) =>
        n.Dim is Dim.Constant { Value: 0 } ? c.Index : c.Dim(n.Dim!) + " + " + c.Index;

    /// <summary>Σ over the batch: the adjoint of a value every sample shares.</summary>
    public static readonly OpDef ReduceBatch = new(Op.ReduceBatch, "reducebatch", OpTraits.Structural)
    {
        Pushforward = (b, node, t) => t[0] is int tv ? b.Structural(Op.ReduceBatch, b[node].Kind, b[node].Shape, null, tv) : null,
        Math = new Notation.Custom((c, n) => ("Σ_batch " + c.Operand(n[0], Precedence.Primary), Precedence.Unary)),
        OperandsInMemory = n => n.Rank == 1 ? new[] { n[0] } : new int[0],
        Kernel = new ReduceBatchKernel(),
    };

    /// <summary>A scalar or shared value repeated to the node's shape.</summary>
    public static readonly OpDef Broadcast = new(Op.Broadcast, "broadcast", OpTraits.Indexed)
    {
        Pushforward = (b, node, t) => t[0] is int ts ? b.Structural(Op.Broadcast, b[node].Kind, b[node].Shape, null, ts) : null,
        Math = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        CSharp = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
        Lanes = new Notation.Custom((c, n) => (c.Operand(n[0], Precedence.Primary), Precedence.Primary)),
    };

    // ---- Kernels ----------------------------------------------------------------------------------

    /// <summary>
    /// W·x, or Wᵀ·g: a matrix–matrix product for a batch, matrix–vector for one sample, written over the fresh output
    /// (the runtime's overwriting forms: no clearing pass before the product, the same bits as clearing and adding).
    /// </summary>
    private sealed class MatVecKernel : KernelLowering
    {
        private readonly bool _transposed;

        public MatVecKernel(bool transposed) => _transposed = transposed;

        public override void Write(IKernelWriter w, Node n, int node)
        {
            var matrix = w[n[0]].Shape!;
            string weights = w.Span(n[0]), vector = w.Span(n[1]), output = w.Span(node);
            string rows = w.Dim(matrix.Rows), cols = w.Dim(matrix.Cols);
            if (_transposed)
            {
                w.BatchOrSample(w[n[1]].Batched,
                    $"{w.Kernels}.MatMul({vector}, {weights}, {output}, {w.Batch}, {cols}, {rows});",
                    $"{w.Kernels}.MatTVec({weights}, {rows}, {cols}, {vector}, {output});");
                return;
            }
            w.BatchOrSample(w[n[1]].Batched,
                $"{w.Kernels}.MatMulABt({vector}, {weights}, {output}, {w.Batch}, {rows}, {cols});",
                $"{w.Kernels}.MatVec({weights}, {rows}, {cols}, {vector}, {output});");
        }
    }

    /// <summary>Σ_batch g·xᵀ, straight into a gradient when it is one; written over a fresh output otherwise.</summary>
    private sealed class OuterKernel : KernelLowering
    {
        public override bool Accumulates => true;

        public override void Write(IKernelWriter w, Node n, int node)
        {
            string rows = w.Dim(w[n[0]].Shape!.Length), cols = w.Dim(w[n[1]].Shape!.Length);
            string g = w.Span(n[0]), x = w.Span(n[1]), output = w.Span(node);
            w.BatchOrSample(w[n[0]].Batched && w[n[1]].Batched,
                $"{w.Kernels}.MatMulAtB({g}, {x}, {output}, {rows}, {cols}, {w.Batch});",
                $"{w.Kernels}.Outer({output}, {rows}, {cols}, 1f, {g}, {x});");
        }

        public override void AddInto(IKernelWriter w, Node n, string target, bool negated)
        {
            string rows = w.Dim(w[n[0]].Shape!.Length), cols = w.Dim(w[n[1]].Shape!.Length);
            string g = w.Span(n[0]), x = w.Span(n[1]);
            w.BatchOrSample(w[n[0]].Batched && w[n[1]].Batched,
                $"{w.Kernels}.MatMulAddAtB({g}, {x}, {target}, {rows}, {cols}, {w.Batch}{(negated ? ", -1f" : "")});",
                $"{w.Kernels}.OuterAdd({target}, {rows}, {cols}, {(negated ? "-1f" : "1f")}, {g}, {x});");
        }

        public override void AddIntoStore(IKernelWriter w, Node n, string parameter, bool negated) =>
            w.Line($"{w.Parameters}.AddOuterProducts({parameter}, {w.BatchMatrix(n[0])}, {w.BatchMatrix(n[1])}{(negated ? ", -1f" : "")});");
    }

    /// <summary>Σ over the batch, straight into a gradient when it is one.</summary>
    private sealed class ReduceBatchKernel : KernelLowering
    {
        public override bool Accumulates => true;

        public override void Write(IKernelWriter w, Node n, int node)
        {
            w.Line($"{w.Span(node)}.Clear();");
            AddInto(w, n, w.Span(node), negated: false);
        }

        public override void AddInto(IKernelWriter w, Node n, string target, bool negated)
        {
            var e = w[n[0]];
            if (e.Rank == 1)
            {
                w.Line($"{w.Kernels}.ColumnSumsAdd({w.Span(n[0])}, {w.Batch}, {w.Dim(e.Shape!.Length)}, {target}{(negated ? ", -1f" : "")});");
                return;
            }
            string r = w.Row(batched: true);
            w.Line($"for (int {r} = 0; {r} < {w.Batch}; {r}++) {target}[0] {(negated ? "-=" : "+=")} {w.Element(n[0], r, "0")};");
        }

        /// <summary>The column sums of a batch of vectors (a bias gradient).</summary>
        public override void AddIntoStore(IKernelWriter w, Node n, string parameter, bool negated) =>
            w.Line($"{w.Parameters}.AddColumnSums({parameter}, {w.BatchMatrix(n[0])}{(negated ? ", -1f" : "")});");
    }

    /// <summary>log Σ exp of each sample's vector, by the runtime's stable kernel: one call for the whole batch.</summary>
    private sealed class LogSumExpKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string length = w.Dim(w[n[0]].Shape!.Length);
            if (n.Batched)
            {
                w.Line($"{w.Kernels}.LogSumExpRows({w.Span(n[0])}, {w.Batch}, {length}, {w.Span(node)});");
                return;
            }
            w.Line($"{w.Element(node, "0", "0")} = {w.Kernels}.LogSumExp({w.Span(n[0])}.Slice(0, {length}));");
        }
    }

    /// <summary>exp(z − s) for every sample at once, by the runtime's kernel (one vector exponential over the batch).</summary>
    private sealed class SoftmaxKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string length = w.Dim(w[n[0]].Shape!.Length);
            string rows = n.Batched ? w.Batch : "1";
            w.Line($"{w.Kernels}.SoftmaxFromLogSumExp({w.Span(n[0])}, {w.Span(n[1])}, {rows}, {length}, {w.Span(node)});");
        }
    }

    /// <summary>Σ of each sample's vector, its elements written inline.</summary>
    private sealed class SumKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string length = w.Dim(w[n[0]].Shape!.Length);
            string row = w.Row(n.Batched);
            string i = w.Index, sum = w.Local("sum");
            w.PerSample(n.Batched, scoped: true, () =>
            {
                w.Line($"float {sum} = 0f;");
                w.Line($"for (int {i} = 0; {i} < {length}; {i}++) {sum} += {w.Element(n[0], row, i)};");
                w.Line($"{w.Element(node, row, "0")} = {sum};");
            });
        }
    }

    /// <summary>[a; b], element by element.</summary>
    private sealed class ConcatKernel : KernelLowering
    {
        public override void Write(IKernelWriter w, Node n, int node)
        {
            string first = w.Dim(w[n[0]].Shape!.Length), second = w.Dim(w[n[1]].Shape!.Length);
            string row = w.Row(n.Batched), i = w.Index;
            w.PerSample(n.Batched, scoped: false, () =>
            {
                w.Line($"for (int {i} = 0; {i} < {first}; {i}++) {w.Element(node, row, i)} = {w.Element(n[0], row, i)};");
                w.Line($"for (int {i} = 0; {i} < {second}; {i}++) {w.Element(node, row, first + " + " + i)} = {w.Element(n[1], row, i)};");
            });
        }
    }
}
