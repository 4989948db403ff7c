using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary><c>y = max(x, 0)</c> element-wise; may run in place (y the same span as x).</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, same length.</param>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        const string where = "Kernels.Relu";
        Guard.VectorSpan(y.Length, x.Length, nameof(y), where, " (the length of x)");
        Guard.SameOrSeparate(x, y, nameof(x), nameof(y), where);
        TensorPrimitives.Max(x, 0f, y);
    }

    /// <summary>
    /// ReLU backward: <c>gradInput = gradOutput ⊙ [activation &gt; 0]</c>, overwriting gradInput. The mask comes from the
    /// ReLU's output (or input: their signs agree). May run in place on gradOutput.
    /// </summary>
    /// <param name="activation">The ReLU's forward output.</param>
    /// <param name="gradOutput">∂L/∂(ReLU output).</param>
    /// <param name="gradInput">∂L/∂(ReLU input), written.</param>
    public static void ReluBackward(ReadOnlySpan<float> activation, ReadOnlySpan<float> gradOutput, Span<float> gradInput) =>
        ReluBackwardCore(activation, gradOutput, gradInput, accumulate: false, "Kernels.ReluBackward");

    /// <summary>ReLU backward, accumulating: <c>gradInput += gradOutput ⊙ [activation &gt; 0]</c>.</summary>
    /// <param name="activation">The ReLU's forward output.</param>
    /// <param name="gradOutput">∂L/∂(ReLU output).</param>
    /// <param name="gradInput">∂L/∂(ReLU input), added into; must not overlap the inputs.</param>
    public static void ReluBackwardAdd(ReadOnlySpan<float> activation, ReadOnlySpan<float> gradOutput, Span<float> gradInput) =>
        ReluBackwardCore(activation, gradOutput, gradInput, accumulate: true, "Kernels.ReluBackwardAdd");

    /// <summary>Adds <paramref name="bias"/> to every row of a rows × cols matrix (a dense layer's bias over a batch).</summary>
    /// <param name="m">The matrix, updated in place.</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of bias).</param>
    /// <param name="bias">The bias vector.</param>
    public static void AddBiasRows(Span<float> m, int rows, int cols, ReadOnlySpan<float> bias) =>
        BiasRowsCore(m, rows, cols, bias, relu: false, "Kernels.AddBiasRows");

    /// <summary>
    /// Fused dense-layer activation over a batch: every row becomes <c>max(row + bias, 0)</c> (NaN stays NaN, as
    /// <see cref="MathF.Max(float, float)"/> and generated code's ReLU).
    /// </summary>
    /// <param name="m">The pre-activations (e.g. X·Wᵀ), rows × cols, replaced by the activations.</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of bias).</param>
    /// <param name="bias">The bias vector.</param>
    public static void AddBiasReluRows(Span<float> m, int rows, int cols, ReadOnlySpan<float> bias) =>
        BiasRowsCore(m, rows, cols, bias, relu: true, "Kernels.AddBiasReluRows");

    // A large batch's rows run on the worker pool (RowJob), a small one's on the calling thread.
    private static unsafe void BiasRowsCore(Span<float> m, int rows, int cols, ReadOnlySpan<float> bias, bool relu, string where)
    {
        Guard.MatrixSpan(m.Length, rows, cols, nameof(m), where);
        Guard.OperandOfMatrix(bias.Length, cols, nameof(bias), where, "m", rows, cols);
        Guard.NoOverlap(bias, m, nameof(bias), nameof(m), where);
        if (rows == 0 || cols == 0)
        {
            return;
        }

        fixed (float* pm = m, pb = bias)
        {
            var loop = new BiasRows(pm, pb, cols, relu);
            if (!RowJob<BiasRows>.TryRun(ref loop, rows, cols, align: 1))
            {
                loop.Run(0, rows);
            }
        }
    }

    /// <summary><c>sums += α·Σᵣ m[r, :]</c>: column sums of a rows × cols matrix (a bias gradient over a batch).</summary>
    /// <param name="m">The matrix (e.g. the output gradient δ, batch × outputs).</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of sums).</param>
    /// <param name="sums">Column sums, accumulated into.</param>
    /// <param name="alpha">Scale factor α.</param>
    public static void ColumnSumsAdd(ReadOnlySpan<float> m, int rows, int cols, Span<float> sums, float alpha = 1f)
    {
        const string where = "Kernels.ColumnSumsAdd";
        Guard.MatrixSpan(m.Length, rows, cols, nameof(m), where);
        Guard.OperandOfMatrix(sums.Length, cols, nameof(sums), where, "m", rows, cols);
        Guard.NoOverlap(m, sums, nameof(m), nameof(sums), where);
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (IsAccelerated)
        {
            VectorJob.ColumnSums(ref MemoryMarshal.GetReference(m), rows, cols, ref MemoryMarshal.GetReference(sums), alpha);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.MultiplyAdd(m.Slice(r * cols, cols), alpha, sums, sums);
        }
    }

    // sums[j] = fma(m[r, j], α, sums[j]) for r = 0, 1, … in order, for columns [0, cols) of m (row stride ldm); the
    // vector and scalar paths do the same (16-float, 8-float, scalar), so the columns can be cut anywhere.
    internal static void ColumnSumsFma(ref float m, nint ldm, int rows, int cols, ref float sums, float alpha)
    {
        var va = Vector256.Create(alpha);
        int j = 0;
        if (UseVector512)
        {
            var wa = Vector512.Create(alpha);
            for (; j + 16 <= cols; j += 16)
            {
                var acc = Vector512.LoadUnsafe(ref sums, (nuint)j);
                for (int r = 0; r < rows; r++)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref m, r * ldm), (nuint)j), wa, acc);
                }

                acc.StoreUnsafe(ref sums, (nuint)j);
            }
        }

        for (; j + 8 <= cols; j += 8)
        {
            var acc = Vector256.LoadUnsafe(ref sums, (nuint)j);
            for (int r = 0; r < rows; r++)
            {
                acc = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref m, r * ldm), (nuint)j), va, acc);
            }

            acc.StoreUnsafe(ref sums, (nuint)j);
        }

        for (; j < cols; j++)
        {
            float acc = Unsafe.Add(ref sums, j);
            for (int r = 0; r < rows; r++)
            {
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref m, r * ldm + j), alpha, acc);
            }

            Unsafe.Add(ref sums, j) = acc;
        }
    }

    /// <summary>Sigmoid backward from its output s: <c>gradInput = gradOutput ⊙ s ⊙ (1 − s)</c>, overwriting; may run in place on gradOutput.</summary>
    /// <param name="output">The sigmoid's forward output s.</param>
    /// <param name="gradOutput">∂L/∂s.</param>
    /// <param name="gradInput">∂L/∂(sigmoid input), written.</param>
    public static unsafe void SigmoidBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        CheckBackward(output, gradOutput, gradInput, "Kernels.SigmoidBackward");
        fixed (float* y = output, dy = gradOutput, dx = gradInput)
        {
            RunElements(new SquashBackwardRange(y, dy, dx, tanh: false), gradInput.Length);
        }
    }

    /// <summary>Tanh backward from its output t: <c>gradInput = gradOutput ⊙ (1 − t²)</c>, overwriting; may run in place on gradOutput.</summary>
    /// <param name="output">The tanh's forward output t.</param>
    /// <param name="gradOutput">∂L/∂t.</param>
    /// <param name="gradInput">∂L/∂(tanh input), written.</param>
    public static unsafe void TanhBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        CheckBackward(output, gradOutput, gradInput, "Kernels.TanhBackward");
        fixed (float* y = output, dy = gradOutput, dx = gradInput)
        {
            RunElements(new SquashBackwardRange(y, dy, dx, tanh: true), gradInput.Length);
        }
    }

    /// <summary><c>y += α·x</c>.</summary>
    /// <param name="alpha">Scale factor α.</param>
    /// <param name="x">Input.</param>
    /// <param name="y">Accumulated into; same length as x, separate memory.</param>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        const string where = "Kernels.Axpy";
        Guard.VectorSpan(y.Length, x.Length, nameof(y), where, " (the length of x)");
        Guard.NoOverlap(x, y, nameof(x), nameof(y), where);
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }

    private static void CheckBackward(ReadOnlySpan<float> forward, ReadOnlySpan<float> gradOutput, Span<float> gradInput, string where)
    {
        Guard.VectorSpan(gradOutput.Length, forward.Length, "gradOutput", where, " (the length of the forward values)");
        Guard.VectorSpan(gradInput.Length, forward.Length, "gradInput", where, " (the length of the forward values)");
        Guard.SameOrSeparate(gradOutput, gradInput, "gradOutput", "gradInput", where);
        Guard.SameOrSeparate(forward, gradInput, "forward values", "gradInput", where);
    }

    private static unsafe void ReluBackwardCore(ReadOnlySpan<float> activation, ReadOnlySpan<float> gradOutput, Span<float> gradInput, bool accumulate, string where)
    {
        CheckBackward(activation, gradOutput, gradInput, where);
        if (accumulate)
        {
            Guard.NoOverlap(gradOutput, gradInput, "gradOutput", "gradInput", where);
        }

        fixed (float* act = activation, dy = gradOutput, dx = gradInput)
        {
            RunElements(new ReluBackwardRange(act, dy, dx, accumulate), gradInput.Length);
        }
    }

    // Elements [0, n) of an element-wise loop: on the worker pool in ranges of whole cache lines for a large n.
    private static void RunElements<TLoop>(TLoop loop, int n)
        where TLoop : struct, IRowLoop
    {
        if (n > 0 && !RowJob<TLoop>.TryRun(ref loop, n, 1, align: 16))
        {
            loop.Run(0, n);
        }
    }
}
