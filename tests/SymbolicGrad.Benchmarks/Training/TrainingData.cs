namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// A pool of synthetic MNIST-shaped samples (784 pixels in [0, 1), labels 0–9), one sample per row, handed out as
/// consecutive minibatch views without copying. Cycling through many samples (not one batch over and over) keeps the
/// loss away from zero, so the gradients never become denormal and slow the arithmetic down.
/// </summary>
internal sealed class TrainingData
{
    /// <summary>Pixels per sample.</summary>
    public const int Features = 784;

    /// <summary>Classes.</summary>
    public const int Classes = 10;

    private readonly float[] _pixels;

    // Where the first sample starts in _pixels: on a cache line (the array is pinned), as a tensor library's
    // allocator places its data; every 784-float row then starts on a line too.
    private readonly int _first;
    private readonly int[] _labels;
    private int _cursor;

    /// <summary>Creates <paramref name="samples"/> samples (a multiple of every batch size used) from a fixed seed.</summary>
    public TrainingData(int samples, int seed)
    {
        var random = new Random(seed);
        _pixels = GC.AllocateArray<float>(samples * Features + 16, pinned: true);
        _first = (int)((64 - (System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(_pixels, 0) & 63)) & 63) / sizeof(float);
        for (int i = 0; i < samples * Features; i++)
        {
            _pixels[_first + i] = random.NextSingle();
        }

        _labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            _labels[i] = random.Next(Classes);
        }
    }

    /// <summary>Number of samples in the pool.</summary>
    public int Count => _labels.Length;

    /// <summary>The inputs of the batch starting at sample <paramref name="start"/> (batch × 784), and its labels.</summary>
    public Mat Batch(int start, int batch, out ReadOnlySpan<int> labels)
    {
        labels = _labels.AsSpan(start, batch);
        return new Mat(_pixels, _first + start * Features, batch, Features);
    }

    /// <summary>The next batch with its labels as trainer targets, wrapping round to the start of the pool.</summary>
    public Mat Next(int batch, out BatchTargets targets)
    {
        var x = Next(batch, out ReadOnlySpan<int> _);
        targets = new BatchTargets(_labels, x.Offset / Features, batch);
        return x;
    }

    /// <summary>The next batch, wrapping round to the start of the pool.</summary>
    public Mat Next(int batch, out ReadOnlySpan<int> labels)
    {
        if (_cursor + batch > Count)
        {
            _cursor = 0;
        }

        int start = _cursor;
        _cursor += batch;
        return Batch(start, batch, out labels);
    }
}
