using System.Runtime.InteropServices;
using SymbolicGrad.Export;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// An ONNX graph being described by a model's generated <see cref="IOnnxExportable.DescribePrediction"/>: graph inputs
/// (one row per sample: the batch is the first dimension), weights copied from the model's fields as initializers,
/// constants, nodes and the output. <see cref="Onnx"/> writes it as a model file. Names are made unique here, so a
/// weight, an input and a node may ask for the same one.
/// </summary>
/// <remarks>
/// Generated code calls it in the order of the prediction's DAG; a loop over layers runs as a C# loop at export time,
/// so it is unrolled with the lengths of the model's arrays (<see cref="Weight(string, int, Mat)"/> names element l
/// <c>W[l]</c>).
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class OnnxGraph
{
    /// <summary>The name of every input's and the output's first dimension: one row per sample.</summary>
    public const string BatchDimension = "batch";

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<(OnnxType, long), OnnxValue> _scalars = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    internal OnnxGraph(string name) => Name = name;

    internal string Name { get; }

    internal List<GraphValueInfo> Inputs { get; } = new();

    internal List<GraphValueInfo> Outputs { get; } = new();

    internal List<GraphInitializer> Initializers { get; } = new();

    internal List<GraphNode> Nodes { get; } = new();

    /// <summary>A graph input of one row per sample: shape [batch, <paramref name="length"/>] (a length ≤ 0: unknown, named <c>name_length</c>).</summary>
    public OnnxValue Input(string name, OnnxType type, long length)
    {
        var value = Take(name);
        Inputs.Add(new GraphValueInfo(value.Name, type, new[] { Dimension.Batch, Dimension.Of(length, name) }));
        return value;
    }

    /// <summary>A matrix field of the model (rows × columns, row-major), copied now as an initializer.</summary>
    public OnnxValue Weight(string name, Mat value) => Weight(name, value.Span, new long[] { value.Rows, value.Cols });

    /// <summary>A vector field of the model, copied now as an initializer.</summary>
    public OnnxValue Weight(string name, Vec value) => Weight(name, value.Span, new long[] { value.Length });

    /// <summary>
    /// A field's values under another shape of as many elements (a convolution's kernels as [out, in, height, width]),
    /// copied now as an initializer.
    /// </summary>
    public OnnxValue Weight(string name, Mat value, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long extent in shape) count = extent > 0 ? count * extent : throw new ArgumentException($"Weight '{name}': extent {extent} of the shape is not positive.", nameof(shape));
        if (count != value.Length) throw new ArgumentException($"Weight '{name}': the shape [{string.Join(", ", shape)}] holds {count} elements but the field has {value.Length}.", nameof(shape));
        return Weight(name, value.Span, (long[])shape.Clone());
    }

    /// <summary>Element <paramref name="index"/> of a <c>Mat[]</c> field (a layer of a loop), named <c>name[index]</c>.</summary>
    public OnnxValue Weight(string name, int index, Mat value) => Weight(ElementName(name, index), value);

    /// <summary>Element <paramref name="index"/> of a <c>Vec[]</c> field (a layer of a loop), named <c>name[index]</c>.</summary>
    public OnnxValue Weight(string name, int index, Vec value) => Weight(ElementName(name, index), value);

    /// <summary>A float constant (rank 0, broadcast by the ops that read it); equal constants are one initializer.</summary>
    public OnnxValue Constant(float value) =>
        Scalar(OnnxType.Float, BitConverter.SingleToInt32Bits(value), () => BitConverter.GetBytes(value));

    /// <summary>A double constant.</summary>
    public OnnxValue Constant(double value) =>
        Scalar(OnnxType.Double, BitConverter.DoubleToInt64Bits(value), () => BitConverter.GetBytes(value));

    /// <summary>An int constant.</summary>
    public OnnxValue Constant(int value) => Scalar(OnnxType.Int32, value, () => BitConverter.GetBytes(value));

    /// <summary>A Boolean constant.</summary>
    public OnnxValue Constant(bool value) => Scalar(OnnxType.Bool, value ? 1 : 0, () => new[] { (byte)(value ? 1 : 0) });

    /// <summary>A 1-D int64 constant: the axes, starts or indices an op reads as an input.</summary>
    public OnnxValue Int64s(params long[] values)
    {
        var value = Take("i64");
        Initializers.Add(new GraphInitializer(value.Name, OnnxType.Int64, new long[] { values.Length }, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
        return value;
    }

    /// <summary>A node computing <paramref name="opType"/> (an operator of the default ONNX domain) from <paramref name="inputs"/>.</summary>
    /// <param name="opType">The ONNX operator: <c>Gemm</c>, <c>Add</c>, <c>Relu</c> …</param>
    /// <param name="hint">The name its output should get (the generated code's name for the value); made unique.</param>
    /// <param name="inputs">The operands, in the operator's order.</param>
    /// <param name="attributes">The operator's attributes.</param>
    public OnnxValue Node(string opType, string hint, OnnxValue[] inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            if (input.Name is null || !_values.Contains(input.Name))
            {
                throw new ArgumentException($"The {opType} node reads '{input}', which is not a value of this graph.", nameof(inputs));
            }
        }
        var output = Take(hint);
        Nodes.Add(new GraphNode(opType, output.Name, inputs.Select(i => i.Name).ToArray(), attributes.ToArray()));
        return output;
    }

    /// <summary>The graph's output: <paramref name="value"/>, one row per sample of shape [batch, <paramref name="length"/>].</summary>
    public void Output(string name, OnnxValue value, OnnxType type, long length)
    {
        if (Outputs.Count > 0) throw new InvalidOperationException($"The graph already has its output '{Outputs[0].Name}'.");
        if (value.Name is null || !_values.Contains(value.Name)) throw new ArgumentException($"The output reads '{value}', which is not a value of this graph.", nameof(value));
        // The output gets the name asked for: the value is renamed through an Identity node when the name is taken.
        string final = value.Name;
        if (!string.Equals(value.Name, name, StringComparison.Ordinal))
        {
            if (_names.Contains(name))
            {
                throw new ArgumentException($"The output's name '{name}' is already the name of an input or a weight.", nameof(name));
            }
            final = Node("Identity", name, new[] { value }).Name;
        }
        Outputs.Add(new GraphValueInfo(final, type, new[] { Dimension.Batch, Dimension.Of(length, name) }));
    }

    private OnnxValue Weight(string name, ReadOnlySpan<float> values, long[] dims)
    {
        if (_weights.TryGetValue(name, out var known)) return known;
        var value = Take(name);
        Initializers.Add(new GraphInitializer(value.Name, OnnxType.Float, dims, MemoryMarshal.AsBytes(values).ToArray()));
        _weights.Add(name, value);
        return value;
    }

    private OnnxValue Scalar(OnnxType type, long bits, Func<byte[]> bytes)
    {
        if (_scalars.TryGetValue((type, bits), out var known)) return known;
        var value = Take("const");
        Initializers.Add(new GraphInitializer(value.Name, type, Array.Empty<long>(), bytes()));
        _scalars.Add((type, bits), value);
        return value;
    }

    private static string ElementName(string name, int index) => FormattableString.Invariant($"{name}[{index}]");

    /// <summary>A new value named <paramref name="preferred"/>, or <c>preferred_2</c>, <c>_3</c> … if it is taken.</summary>
    private OnnxValue Take(string preferred)
    {
        ArgumentException.ThrowIfNullOrEmpty(preferred);
        string name = preferred;
        for (int k = 2; !_names.Add(name); k++) name = FormattableString.Invariant($"{preferred}_{k}");
        _values.Add(name);
        return new OnnxValue(name);
    }
}

/// <summary>One dimension of a graph input's or output's shape: a size, or a name for one known only at run time.</summary>
internal readonly record struct Dimension(long Value, string? Parameter)
{
    public static readonly Dimension Batch = new(0, OnnxGraph.BatchDimension);

    public static Dimension Of(long length, string owner) => length > 0 ? new Dimension(length, null) : new Dimension(0, owner + "_length");
}

/// <summary>A graph input or output: its name, element type and shape.</summary>
internal sealed record GraphValueInfo(string Name, OnnxType Type, Dimension[] Shape);

/// <summary>A constant tensor of the graph (a weight or a constant), its little-endian bytes.</summary>
internal sealed record GraphInitializer(string Name, OnnxType Type, long[] Dims, byte[] Data);

/// <summary>A node: an operator, its inputs, its one output and its attributes.</summary>
internal sealed record GraphNode(string OpType, string Output, string[] Inputs, OnnxAttribute[] Attributes);
