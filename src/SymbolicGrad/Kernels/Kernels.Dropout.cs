using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary>The key of the random stream of one forward pass: a hash of the model's seed and the pass's step.</summary>
    /// <param name="seed">The model's <see cref="Model.RandomSeed"/>.</param>
    /// <param name="step">The pass's step (<see cref="Model.RandomStep"/> when it began).</param>
    public static ulong RandomStream(long seed, long step) => CounterRandom.Stream(seed, step);

    /// <summary>
    /// Begins a training-mode forward pass that draws random numbers: takes <see cref="Model.RandomStep"/> and
    /// increments it (atomically), and returns the pass's stream key, <c>RandomStream(RandomSeed, step)</c>.
    /// Call it once per top-level call, before the batch is split over threads.
    /// </summary>
    /// <param name="model">The model whose stream to draw from.</param>
    public static ulong NextRandomStream(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var store = model.Parameters;
        long step = Interlocked.Increment(ref store.RandomStep) - 1;
        return CounterRandom.Stream(Interlocked.Read(ref store.RandomSeed), step);
    }

    /// <summary>
    /// Inverted dropout in training mode over a batch: <c>y = x · keep / (1 − p)</c> element-wise, where
    /// <c>keep</c> ∈ {0, 1} is 1 with probability 1 − p and is a pure function of (stream, site, firstSample + row,
    /// element). May run in place. NaN and ∞ propagate as in PyTorch (a dropped NaN stays NaN: <c>NaN · 0</c>).
    /// </summary>
    /// <param name="x">The input, batch × features, row-major.</param>
    /// <param name="y">The output, batch × features, written; x itself or separate memory.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="features">Columns (elements per sample).</param>
    /// <param name="p">The probability of dropping an element, in [0, 1).</param>
    /// <param name="stream">The pass's stream key (<see cref="NextRandomStream"/>).</param>
    /// <param name="site">Which dropout call of the pass: 0, 1, … in the order the method body runs them.</param>
    /// <param name="firstSample">The index in the whole batch of row 0 (when a thread handles rows from firstSample on).</param>
    public static void DropoutForward(ReadOnlySpan<float> x, Span<float> y, int batch, int features, float p, ulong stream, int site, int firstSample = 0) =>
        ApplyDropoutMask(x, y, batch, features, p, stream, site, firstSample, "Kernels.DropoutForward", "x", "y");

    /// <summary>
    /// Dropout backward: <c>gradInput = gradOutput · keep / (1 − p)</c> with the mask of the forward call of the same
    /// (stream, site, samples), recomputed — nothing is stored between the passes. Writes gradInput; may run in place.
    /// </summary>
    /// <param name="gradOutput">∂L/∂y, batch × features.</param>
    /// <param name="gradInput">∂L/∂x, batch × features, written; gradOutput itself or separate memory.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="features">Columns.</param>
    /// <param name="p">The forward call's p.</param>
    /// <param name="stream">The forward call's stream key.</param>
    /// <param name="site">The forward call's site.</param>
    /// <param name="firstSample">The forward call's index of row 0.</param>
    public static void DropoutBackward(ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int features, float p, ulong stream, int site, int firstSample = 0) =>
        ApplyDropoutMask(gradOutput, gradInput, batch, features, p, stream, site, firstSample, "Kernels.DropoutBackward", "gradOutput", "gradInput");

    /// <summary>Whether dropout keeps an element (for tests and tools; the kernels compute the same bits in bulk).</summary>
    internal static bool DropoutKeeps(float p, ulong stream, int site, int sample, int element)
    {
        ulong bits = CounterRandom.Pair(CounterRandom.SampleKey(stream, site, sample), element >> 1);
        uint word = (element & 1) == 0 ? (uint)bits : (uint)(bits >> 32);
        return word >= CounterRandom.Threshold(p);
    }

    // 1/(1 − p) where the word is at least the threshold (kept), else +0 — without a branch (half of them would mispredict).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Factor(uint word, uint threshold, int scaleBits) =>
        BitConverter.Int32BitsToSingle(scaleBits & (int)(((long)word - threshold) >> 63 ^ -1L));

    /// <summary>Checks a dropout probability: in [0, 1) (not NaN); evaluation-mode generated code checks it too, as the reference does.</summary>
    /// <param name="p">The probability of dropping an element.</param>
    /// <param name="where">The call, for the message.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1) or NaN.</exception>
    public static void CheckDropoutProbability(float p, string where)
    {
        if (!(p >= 0f && p < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{where}: the dropout probability p must be in [0, 1).");
        }
    }

    private static void ApplyDropoutMask(ReadOnlySpan<float> input, Span<float> output, int batch, int features, float p, ulong stream, int site,
        int firstSample, string where, string inputName, string outputName)
    {
        CheckDropoutProbability(p, where);
        Guard.MatrixSpan(input.Length, batch, features, inputName, where);
        Guard.MatrixSpan(output.Length, batch, features, outputName, where);
        Guard.SameOrSeparate(input, output, inputName, outputName, where);
        Guard.NotNegative(firstSample, nameof(firstSample), where);
        Guard.NotNegative(site, nameof(site), where);
        uint threshold = CounterRandom.Threshold(p);
        int scaleBits = BitConverter.SingleToInt32Bits((float)(1.0 / (1.0 - p)));
        ref float src = ref MemoryMarshal.GetReference(input);
        ref float dst = ref MemoryMarshal.GetReference(output);
        for (int r = 0; r < batch; r++)
        {
            ulong key = CounterRandom.SampleKey(stream, site, firstSample + r);
            ref float row = ref Unsafe.Add(ref src, (nint)r * features);
            ref float outRow = ref Unsafe.Add(ref dst, (nint)r * features);
            for (int j = 0; j < features; j += 2)
            {
                ulong bits = CounterRandom.Pair(key, j >> 1);
                Unsafe.Add(ref outRow, j) = Unsafe.Add(ref row, j) * Factor((uint)bits, threshold, scaleBits);
                if (j + 1 < features)
                {
                    Unsafe.Add(ref outRow, j + 1) = Unsafe.Add(ref row, j + 1) * Factor((uint)(bits >> 32), threshold, scaleBits);
                }
            }
        }
    }
}
