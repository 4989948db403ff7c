using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.Onnx;

/// <summary>
/// What an op's ONNX form may ask of the writer of a prediction graph: its operands' values, and the C# that adds ONNX
/// nodes and constants to the runtime's <c>OnnxGraph</c> (each method returns an expression of an <c>OnnxValue</c>).
/// </summary>
internal interface IOnnxContext
{
    Node this[int node] { get; }

    /// <summary>The runtime's <c>OnnxGraph</c> being described (the generated method's parameter).</summary>
    string Graph { get; }

    /// <summary>The value of an operand as [batch, n] (a local, or a weight or constant written inline).</summary>
    string Operand(int node);

    /// <summary>The C# of a scalar known at export time (a comparison of a layer's counter), or null when it is a value of the graph.</summary>
    string? Known(int node);

    /// <summary>The value of an image operand as [batch, channels, height, width].</summary>
    string Image(int node);

    /// <summary>A weight (a field's node) under another shape of as many elements, each extent a C# expression.</summary>
    string Weight(int node, params string[] shape);

    /// <summary>A member of a layer field that is no node of the graph (a batch norm's running mean), as a weight.</summary>
    string LayerWeight(string layer, string member);

    /// <summary>An ONNX node of <paramref name="opType"/> over <paramref name="inputs"/> (values), with attributes (see <see cref="Int"/>, <see cref="Ints"/>).</summary>
    string Node(string opType, string[] inputs, params string[] attributes);

    /// <summary>An ONNX node of <paramref name="opType"/> over <paramref name="inputs"/>, without attributes.</summary>
    string Apply(string opType, params string[] inputs);

    /// <summary>A constant of the kind's element type, broadcast by the ops that read it.</summary>
    string Constant(double value, ScalarKind kind);

    /// <summary>A 1-D int64 constant (axes, starts, ends, indices), each element a C# expression of a long.</summary>
    string Int64s(params string[] values);

    /// <summary>An int attribute.</summary>
    string Int(string name, long value);

    /// <summary>A list-of-ints attribute.</summary>
    string Ints(string name, params long[] values);

    /// <summary>A list-of-ints attribute of values known at export time (C# expressions of ints).</summary>
    string Ints(string name, params string[] values);

    /// <summary>A float attribute, a C# expression of a float.</summary>
    string Float(string name, string value);

    /// <summary>A dimension's value at export time (<c>W1.Rows</c>), through the dimensions the ops make equal to it.</summary>
    string Dim(Dim dim);

    /// <summary>The ONNX element type of a kind (<c>OnnxType.Float</c>), as C#.</summary>
    string Type(ScalarKind kind);
}
