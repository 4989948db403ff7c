using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// A table of examples held in memory: features row-major (<see cref="Count"/> × <see cref="FeatureCount"/>
/// floats), and either integer class labels (classification) or float targets (regression).
/// </summary>
/// <remarks>Rows are copied only by <see cref="Subset"/>, <see cref="Split"/> and <see cref="CopyBatch(ReadOnlySpan{int}, Span{float}, Span{int})"/>; scaling works in place.</remarks>
public sealed class Dataset
{
    /// <summary>Creates a classification dataset.</summary>
    /// <param name="features">Count × featureCount floats, row-major; kept, not copied.</param>
    /// <param name="featureCount">Features per example; at least 1.</param>
    /// <param name="labels">One class index per example, each in [0, classCount); kept, not copied.</param>
    /// <param name="classCount">Number of classes; at least 1.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public Dataset(float[] features, int featureCount, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        Count = CheckFeatures(features, featureCount);
        if (labels.Length != Count)
        {
            throw new ArgumentException($"The features hold {Count} rows of {featureCount} but there are {labels.Length} labels; there must be one label per row.", nameof(labels));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} at row {i} is outside 0..{classCount - 1}.", nameof(labels));
            }
        }
        Features = features;
        FeatureCount = featureCount;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Creates a regression dataset.</summary>
    /// <param name="features">Count × featureCount floats, row-major; kept, not copied.</param>
    /// <param name="featureCount">Features per example; at least 1.</param>
    /// <param name="targets">Count × targetCount floats, row-major; kept, not copied.</param>
    /// <param name="targetCount">Targets per example; at least 1.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public Dataset(float[] features, int featureCount, float[] targets, int targetCount = 1)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        Count = CheckFeatures(features, featureCount);
        if (targets.Length != (long)Count * targetCount)
        {
            throw new ArgumentException($"The features hold {Count} rows but there are {targets.Length} target values; {targetCount} per row makes {(long)Count * targetCount}.", nameof(targets));
        }
        Features = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetCount = targetCount;
    }

    /// <summary>Builds a classification dataset from bytes (e.g. image pixels), scaling every feature to [0, 1] by dividing by 255.</summary>
    /// <param name="pixels">Count × featureCount bytes, row-major.</param>
    /// <param name="featureCount">Bytes per example.</param>
    /// <param name="labels">One class index per example.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public static Dataset FromBytes(ReadOnlySpan<byte> pixels, int featureCount, ReadOnlySpan<byte> labels, int classCount)
    {
        var features = GC.AllocateUninitializedArray<float>(pixels.Length);
        ScaleBytes(pixels, features);
        var ints = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            ints[i] = labels[i];
        }
        return new Dataset(features, featureCount, ints, classCount);
    }

    // features[i] = pixels[i] / 255, 32 bytes at a time (the division is IEEE's: the same bits as one by one). Vector256's
    // own methods, not Vector<T>'s: precompiled (ReadyToRun) code inlines only those.
    static void ScaleBytes(ReadOnlySpan<byte> pixels, Span<float> features)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(255f);
            ref byte source = ref MemoryMarshal.GetReference(pixels);
            ref float target = ref MemoryMarshal.GetReference(features);
            for (; i <= pixels.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var bytes = Vector256.LoadUnsafe(ref source, (nuint)i);
                var low = Vector256.WidenLower(bytes);
                var high = Vector256.WidenUpper(bytes);
                Store(Vector256.WidenLower(low), ref target, i);
                Store(Vector256.WidenUpper(low), ref target, i + 8);
                Store(Vector256.WidenLower(high), ref target, i + 16);
                Store(Vector256.WidenUpper(high), ref target, i + 24);
            }

            void Store(Vector256<uint> values, ref float target, int at) =>
                (Vector256.ConvertToSingle(values.AsInt32()) / scale).StoreUnsafe(ref target, (nuint)at);
        }

        for (; i < pixels.Length; i++)
        {
            features[i] = pixels[i] / 255f;
        }
    }

    /// <summary>The features, row-major: row i is <c>Features[i*FeatureCount .. (i+1)*FeatureCount)</c>.</summary>
    public float[] Features { get; }

    /// <summary>Number of examples (rows).</summary>
    public int Count { get; }

    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }

    /// <summary>Class index per example, or null for a regression dataset.</summary>
    public int[]? Labels { get; }

    /// <summary>Number of classes (0 for a regression dataset).</summary>
    public int ClassCount { get; }

    /// <summary>Targets, row-major (<see cref="Count"/> × <see cref="TargetCount"/>), or null for a classification dataset.</summary>
    public float[]? Targets { get; }

    /// <summary>Targets per example (0 for a classification dataset).</summary>
    public int TargetCount { get; }

    /// <summary>Whether the examples carry class labels rather than targets.</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>Feature names (e.g. from a CSV header), if known.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Class names, index = label (e.g. from a CSV with text labels), if known.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The features of one example.</summary>
    /// <param name="index">The row, in [0, Count).</param>
    public Span<float> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>Number of examples of each class.</summary>
    /// <exception cref="InvalidOperationException">This is a regression dataset.</exception>
    public int[] ClassCounts()
    {
        var labels = RequireLabels();
        var counts = new int[ClassCount];
        foreach (int label in labels)
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>Multiplies every feature by <paramref name="factor"/>, in place (e.g. 1/255 for raw pixel values).</summary>
    /// <param name="factor">The factor; must be finite.</param>
    public void ScaleFeatures(float factor)
    {
        if (!float.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The scale factor must be finite.");
        }
        foreach (ref float x in Features.AsSpan())
        {
            x *= factor;
        }
    }

    /// <summary>A new dataset holding copies of the given rows, in the given order.</summary>
    /// <param name="indices">Rows to copy, each in [0, Count).</param>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[(long)indices.Length * FeatureCount];
        for (int r = 0; r < indices.Length; r++)
        {
            Row(indices[r]).CopyTo(features.AsSpan(r * FeatureCount, FeatureCount));
        }
        if (Labels is not null)
        {
            var labels = new int[indices.Length];
            for (int r = 0; r < indices.Length; r++)
            {
                labels[r] = Labels[indices[r]];
            }
            return new Dataset(features, FeatureCount, labels, ClassCount) { FeatureNames = FeatureNames, ClassNames = ClassNames };
        }
        var targets = new float[(long)indices.Length * TargetCount];
        for (int r = 0; r < indices.Length; r++)
        {
            Targets.AsSpan(indices[r] * TargetCount, TargetCount).CopyTo(targets.AsSpan(r * TargetCount, TargetCount));
        }
        return new Dataset(features, FeatureCount, targets, TargetCount) { FeatureNames = FeatureNames };
    }

    /// <summary>Copies of the rows [start, start + count).</summary>
    /// <param name="start">First row.</param>
    /// <param name="count">Number of rows.</param>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows {start}..{(long)start + count - 1} do not exist; the dataset has {Count} rows.");
        }
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = start + i;
        }
        return Subset(indices);
    }

    /// <summary>
    /// Splits the rows at random into a training and a test set; the same seed always gives the same split.
    /// Each part keeps the original row order.
    /// </summary>
    /// <param name="testFraction">Share of rows for the test set, in (0, 1); rounded, and at least one row on each side.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The dataset has fewer than 2 rows.</exception>
    public (Dataset Train, Dataset Test) Split(double testFraction, int seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be strictly between 0 and 1.");
        }
        if (Count < 2)
        {
            throw new InvalidOperationException($"A dataset of {Count} row{(Count == 1 ? "" : "s")} cannot be split; it needs at least 2.");
        }
        int testCount = Math.Clamp((int)Math.Round(Count * testFraction), 1, Count - 1);
        var order = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            order[i] = i;
        }
        // Own Fisher–Yates over Random.Next, so the split cannot change with a runtime's Shuffle implementation.
        var random = new Random(seed);
        for (int i = Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var test = order.AsSpan(0, testCount);
        var train = order.AsSpan(testCount);
        test.Sort();
        train.Sort();
        return (Subset(train), Subset(test));
    }

    /// <summary>The labels as one-hot rows: Count × ClassCount floats, 1 at the label's position.</summary>
    /// <exception cref="InvalidOperationException">This is a regression dataset.</exception>
    public float[] OneHot()
    {
        var labels = RequireLabels();
        var result = new float[(long)labels.Length * ClassCount];
        OneHot(labels, ClassCount, result);
        return result;
    }

    /// <summary>Writes one-hot rows for <paramref name="labels"/> into <paramref name="destination"/> (labels.Length × classCount floats).</summary>
    /// <param name="labels">Class indices, each in [0, classCount).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="destination">Receives the rows; overwritten entirely.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length or a label is out of range.</exception>
    public static void OneHot(ReadOnlySpan<int> labels, int classCount, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (destination.Length != (long)labels.Length * classCount)
        {
            throw new ArgumentException($"One-hot rows for {labels.Length} labels of {classCount} classes need {(long)labels.Length * classCount} floats; the destination has {destination.Length}.", nameof(destination));
        }
        destination.Clear();
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} at index {i} is outside 0..{classCount - 1}.", nameof(labels));
            }
            destination[i * classCount + labels[i]] = 1f;
        }
    }

    /// <summary>Gathers the given rows of a classification dataset into batch buffers, without allocating.</summary>
    /// <param name="indices">Rows to copy.</param>
    /// <param name="features">Receives indices.Length × FeatureCount floats.</param>
    /// <param name="labels">Receives indices.Length labels.</param>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels)
    {
        var source = RequireLabels();
        CheckBatch(indices.Length, features.Length, labels.Length, 1);
        for (int r = 0; r < indices.Length; r++)
        {
            Row(indices[r]).CopyTo(features.Slice(r * FeatureCount, FeatureCount));
            labels[r] = source[indices[r]];
        }
    }

    /// <summary>Gathers the given rows of a regression dataset into batch buffers, without allocating.</summary>
    /// <param name="indices">Rows to copy.</param>
    /// <param name="features">Receives indices.Length × FeatureCount floats.</param>
    /// <param name="targets">Receives indices.Length × TargetCount floats.</param>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<float> targets)
    {
        if (Targets is null)
        {
            throw new InvalidOperationException("This is a classification dataset; it has labels, not targets.");
        }
        CheckBatch(indices.Length, features.Length, targets.Length, TargetCount);
        for (int r = 0; r < indices.Length; r++)
        {
            Row(indices[r]).CopyTo(features.Slice(r * FeatureCount, FeatureCount));
            Targets.AsSpan(indices[r] * TargetCount, TargetCount).CopyTo(targets.Slice(r * TargetCount, TargetCount));
        }
    }

    void CheckBatch(int rows, int featureLength, int outputLength, int outputsPerRow)
    {
        if (featureLength < (long)rows * FeatureCount || outputLength < (long)rows * outputsPerRow)
        {
            throw new ArgumentException($"A batch of {rows} rows needs {(long)rows * FeatureCount} feature floats and {(long)rows * outputsPerRow} outputs; the buffers hold {featureLength} and {outputLength}.");
        }
    }

    int[] RequireLabels() => Labels ?? throw new InvalidOperationException("This is a regression dataset; it has targets, not class labels.");

    static int CheckFeatures(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException($"The features hold {features.Length} floats, not a whole number of rows of {featureCount}.", nameof(features));
        }
        return features.Length / featureCount;
    }
}
