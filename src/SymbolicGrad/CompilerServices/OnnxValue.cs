namespace SymbolicGrad.CompilerServices;

/// <summary>A value of an ONNX graph being described (a graph input, a weight, a constant or a node's output), by its name.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct OnnxValue
{
    internal OnnxValue(string name) => Name = name;

    /// <summary>The value's name in the graph.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name ?? "(none)";
}

/// <summary>The element types an exported graph uses (ONNX <c>TensorProto.DataType</c> codes).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public enum OnnxType
{
    /// <summary>32-bit float.</summary>
    Float = 1,
    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,
    /// <summary>64-bit signed integer (axes, indices).</summary>
    Int64 = 7,
    /// <summary>Boolean (conditions).</summary>
    Bool = 9,
    /// <summary>64-bit float.</summary>
    Double = 11,
}

/// <summary>An attribute of an ONNX node: an int, a float or a list of ints.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct OnnxAttribute
{
    private OnnxAttribute(string name, long? integer, float? real, long[]? integers)
    {
        Name = name;
        Integer = integer;
        Real = real;
        Integers = integers;
    }

    /// <summary>The attribute's name (<c>transB</c>, <c>axes</c>, <c>to</c>).</summary>
    public string Name { get; }

    internal long? Integer { get; }

    internal float? Real { get; }

    internal long[]? Integers { get; }

    /// <summary>An int attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, value, null, null);

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, null, value, null);

    /// <summary>A list-of-ints attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, null, null, (long[])values.Clone());
}
