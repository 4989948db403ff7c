namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// Deterministic samples for a case, laid out as copies or as views (<see cref="DataLayout"/>). Both layouts of the
/// same spec and seed hold the same values. Per-sample views are built up front, so reading them allocates nothing.
/// </summary>
public sealed class SampleData
{
    private const int InputPad = 3;
    private const int TargetPad = 5;
    private const int LabelPad = 2;

    private readonly Vec[] _inputs;
    private readonly Vec[] _targets;
    private readonly int[] _labels;
    private readonly float[] _scales;
    private readonly int _spanOffset;

    /// <summary>Draws <paramref name="count"/> samples of <paramref name="spec"/> with <paramref name="seed"/>.</summary>
    public SampleData(DataSpec spec, int count, int seed, DataLayout layout)
    {
        Spec = spec;
        Count = count;
        Layout = layout;
        var random = new Random(seed);
        float[] x = Draw(random, count * spec.InputLength, DataSpec.Uniform);
        float[] t = Draw(random, count * spec.TargetLength, spec.TargetElement);
        int[] labels = new int[count];
        float[] scales = new float[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = spec.Classes > 0 ? random.Next(spec.Classes) : 0;
            scales[i] = (float)(0.5 + random.NextDouble());
        }

        if (layout == DataLayout.Copies)
        {
            Inputs = new Mat(x, count, spec.InputLength);
            Targets = new Mat(t, count, spec.TargetLength);
            _inputs = CopyRows(x, count, spec.InputLength);
            _targets = CopyRows(t, count, spec.TargetLength);
            _labels = labels;
            _scales = scales;
            _spanOffset = 0;
        }
        else
        {
            // [pad][inputs][pad][targets][pad], the pads NaN.
            int targetsAt = InputPad + x.Length + TargetPad;
            float[] store = new float[targetsAt + t.Length + TargetPad];
            Array.Fill(store, float.NaN);
            x.CopyTo(store, InputPad);
            t.CopyTo(store, targetsAt);
            Inputs = new Mat(store, InputPad, count, spec.InputLength);
            Targets = new Mat(store, targetsAt, count, spec.TargetLength);
            _inputs = new Vec[count];
            _targets = new Vec[count];
            for (int i = 0; i < count; i++)
            {
                _inputs[i] = Inputs.Row(i);
                _targets[i] = spec.TargetLength > 0 ? Targets.Row(i) : default;
            }

            _labels = new int[count + 2 * LabelPad];
            Array.Fill(_labels, -1);
            labels.CopyTo(_labels, LabelPad);
            _scales = new float[count + 2 * LabelPad];
            Array.Fill(_scales, float.NaN);
            scales.CopyTo(_scales, LabelPad);
            _spanOffset = LabelPad;
        }
    }

    /// <summary>What a sample holds.</summary>
    public DataSpec Spec { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>How the samples sit in memory.</summary>
    public DataLayout Layout { get; }

    /// <summary>All inputs, one row per sample.</summary>
    public Mat Inputs { get; }

    /// <summary>All target vectors, one row per sample (0 columns when the method has none).</summary>
    public Mat Targets { get; }

    /// <summary>Input of sample <paramref name="i"/>.</summary>
    public Vec Input(int i) => _inputs[i];

    /// <summary>Target vector of sample <paramref name="i"/>.</summary>
    public Vec Target(int i) => _targets[i];

    /// <summary>Label of sample <paramref name="i"/>.</summary>
    public int Label(int i) => _labels[_spanOffset + i];

    /// <summary>Float data parameter of sample <paramref name="i"/>.</summary>
    public float Scale(int i) => _scales[_spanOffset + i];

    /// <summary>Inputs of samples [start, start + count).</summary>
    public Mat InputBatch(int start, int count) => Inputs.SliceRows(start, count);

    /// <summary>Targets of samples [start, start + count).</summary>
    public Mat TargetBatch(int start, int count) => Targets.SliceRows(start, count);

    /// <summary>Labels of samples [start, start + count).</summary>
    public ReadOnlySpan<int> LabelBatch(int start, int count) => _labels.AsSpan(_spanOffset + start, count);

    /// <summary>The labels of samples [start, start + count), as memory (for <see cref="BatchTargets"/>).</summary>
    public ReadOnlyMemory<int> LabelMemory(int start, int count) => _labels.AsMemory(_spanOffset + start, count);

    /// <summary>Float data parameters of samples [start, start + count).</summary>
    public ReadOnlySpan<float> ScaleBatch(int start, int count) => _scales.AsSpan(_spanOffset + start, count);

    /// <summary>Every float the samples hold, to check that a call left its inputs alone.</summary>
    public float[] Snapshot() => [.. Inputs.Span, .. Targets.Span, .. _scales, .. _labels.Select(l => (float)l)];

    private static float[] Draw(Random random, int n, Func<Random, float> element)
    {
        float[] values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = element(random);
        }

        return values;
    }

    private static Vec[] CopyRows(float[] data, int rows, int cols)
    {
        var result = new Vec[rows];
        for (int i = 0; i < rows; i++)
        {
            result[i] = new Vec(data.AsSpan(i * cols, cols).ToArray());
        }

        return result;
    }
}
