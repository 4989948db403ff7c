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
    public static void AddBiasRows(Span<float> m, int rows, int cols, ReadOnlySpan<float> bias)
    {
        const string where = "Kernels.AddBiasRows";
        Guard.MatrixSpan(m.Length, rows, cols, nameof(m), where);
        Guard.OperandOfMatrix(bias.Length, cols, nameof(bias), where, "m", rows, cols);
        Guard.NoOverlap(bias, m, nameof(bias), nameof(m), where);
        for (int r = 0; r < rows; r++)
        {
            var row = m.Slice(r * cols, cols);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Fused dense-layer activation over a batch: every row becomes <c>max(row + bias, 0)</c>.</summary>
    /// <param name="m">The pre-activations (e.g. X·Wᵀ), rows × cols, replaced by the activations.</param>
    /// <param name="rows">Rows (the batch size).</param>
    /// <param name="cols">Columns (the length of bias).</param>
    /// <param name="bias">The bias vector.</param>
    public static void AddBiasReluRows(Span<float> m, int rows, int cols, ReadOnlySpan<float> bias)
    {
        const string where = "Kernels.AddBiasReluRows";
        Guard.MatrixSpan(m.Length, rows, cols, nameof(m), where);
        Guard.OperandOfMatrix(bias.Length, cols, nameof(bias), where, "m", rows, cols);
        Guard.NoOverlap(bias, m, nameof(bias), nameof(m), where);
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref rm, (nint)r * cols);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= cols; j += 8)
                {
                    var v = Vector256.LoadUnsafe(ref row, (nuint)j) + Vector256.LoadUnsafe(ref rb, (nuint)j);
                    Vector256.Max(v, Vector256<float>.Zero).StoreUnsafe(ref row, (nuint)j);
                }
            }

            for (; j < cols; j++)
            {
                float v = Unsafe.Add(ref row, j) + Unsafe.Add(ref rb, j);
                Unsafe.Add(ref row, j) = v > 0f ? v : 0f;
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
    // vector and scalar paths do the same, so the columns can be cut anywhere.
    internal static void ColumnSumsFma(ref float m, nint ldm, int rows, int cols, ref float sums, float alpha)
    {
        var va = Vector256.Create(alpha);
        int j = 0;
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
    public static void SigmoidBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string where = "Kernels.SigmoidBackward";
        CheckBackward(output, gradOutput, gradInput, where);
        for (int i = 0; i < gradInput.Length; i++)
        {
            float s = output[i];
            gradInput[i] = gradOutput[i] * s * (1f - s);
        }
    }

    /// <summary>Tanh backward from its output t: <c>gradInput = gradOutput ⊙ (1 − t²)</c>, overwriting; may run in place on gradOutput.</summary>
    /// <param name="output">The tanh's forward output t.</param>
    /// <param name="gradOutput">∂L/∂t.</param>
    /// <param name="gradInput">∂L/∂(tanh input), written.</param>
    public static void TanhBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string where = "Kernels.TanhBackward";
        CheckBackward(output, gradOutput, gradInput, where);
        for (int i = 0; i < gradInput.Length; i++)
        {
            float t = output[i];
            gradInput[i] = gradOutput[i] * (1f - t * t);
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

    private static void ReluBackwardCore(ReadOnlySpan<float> activation, ReadOnlySpan<float> gradOutput, Span<float> gradInput, bool accumulate, string where)
    {
        CheckBackward(activation, gradOutput, gradInput, where);
        if (accumulate)
        {
            Guard.NoOverlap(gradOutput, gradInput, "gradOutput", "gradInput", where);
        }

        int n = gradInput.Length;
        ref float act = ref MemoryMarshal.GetReference(activation);
        ref float dy = ref MemoryMarshal.GetReference(gradOutput);
        ref float dx = ref MemoryMarshal.GetReference(gradInput);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref act, (nuint)i), Vector256<float>.Zero);
                var g = Vector256.LoadUnsafe(ref dy, (nuint)i) & mask;
                if (accumulate)
                {
                    g += Vector256.LoadUnsafe(ref dx, (nuint)i);
                }

                g.StoreUnsafe(ref dx, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref act, i) > 0f ? Unsafe.Add(ref dy, i) : 0f;
            Unsafe.Add(ref dx, i) = accumulate ? Unsafe.Add(ref dx, i) + g : g;
        }
    }
}
