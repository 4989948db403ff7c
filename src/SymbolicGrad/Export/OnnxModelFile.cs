using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Export;

/// <summary>
/// Writes a described graph as an ONNX <c>ModelProto</c> (onnx.proto field numbers; IR version 8, opset
/// <see cref="Onnx.Opset"/> of the default domain).
/// </summary>
internal static class OnnxModelFile
{
    /// <summary>The IR version that goes with opset 17.</summary>
    private const long IrVersion = 8;

    public static ProtoWriter Write(OnnxGraph graph, string docString)
    {
        var model = new ProtoWriter();
        model.Int64(1, IrVersion);
        model.String(2, "SymbolicGrad");
        model.String(3, typeof(Onnx).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        model.String(6, docString);
        model.Message(7, g => Graph(g, graph));
        model.Message(8, opset =>
        {
            opset.String(1, "");
            opset.Int64(2, Onnx.Opset);
        });
        return model;
    }

    private static void Graph(ProtoWriter w, OnnxGraph graph)
    {
        var live = Live(graph);
        foreach (var node in graph.Nodes.Where(n => live.Contains(n.Output))) w.Message(1, n => Node(n, node));
        w.String(2, graph.Name);
        foreach (var initializer in graph.Initializers.Where(i => live.Contains(i.Name))) w.Message(5, t => Tensor(t, initializer));
        foreach (var input in graph.Inputs) w.Message(11, v => ValueInfo(v, input));
        foreach (var output in graph.Outputs) w.Message(12, v => ValueInfo(v, output));
    }

    /// <summary>
    /// The values the output reads. A description may leave some unread — the side a layer's condition known at export
    /// time did not pick (the last layer's ReLU) — and ONNX Runtime warns about such nodes; the file leaves them out.
    /// </summary>
    private static HashSet<string> Live(OnnxGraph graph)
    {
        var live = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        // Nodes come in an order where every input is defined before it is read: one sweep from the last finds them all.
        for (int k = graph.Nodes.Count - 1; k >= 0; k--)
        {
            var node = graph.Nodes[k];
            if (live.Contains(node.Output)) live.UnionWith(node.Inputs);
        }
        return live;
    }

    private static void Node(ProtoWriter w, GraphNode node)
    {
        foreach (string input in node.Inputs) w.String(1, input);
        w.String(2, node.Output);
        w.String(3, node.Output);
        w.String(4, node.OpType);
        foreach (var attribute in node.Attributes) w.Message(5, a => Attribute(a, attribute));
    }

    // AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7).
    private static void Attribute(ProtoWriter w, OnnxAttribute attribute)
    {
        w.String(1, attribute.Name);
        if (attribute.Real is { } real)
        {
            w.Float(2, real);
            w.Int64(20, 1);
        }
        else if (attribute.Integer is { } integer)
        {
            w.Int64(3, integer);
            w.Int64(20, 2);
        }
        else
        {
            w.PackedInt64(8, attribute.Integers);
            w.Int64(20, 7);
        }
    }

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9.
    private static void Tensor(ProtoWriter w, GraphInitializer tensor)
    {
        if (tensor.Dims.Length > 0) w.PackedInt64(1, tensor.Dims);
        w.Int64(2, (long)tensor.Type);
        w.String(8, tensor.Name);
        w.Bytes(9, tensor.Data);
    }

    // ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2.
    private static void ValueInfo(ProtoWriter w, GraphValueInfo info)
    {
        w.String(1, info.Name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, (long)info.Type);
            tensor.Message(2, shape =>
            {
                foreach (var dim in info.Shape)
                {
                    shape.Message(1, d =>
                    {
                        if (dim.Parameter is { } parameter) d.String(2, parameter);
                        else d.Int64(1, dim.Value);
                    });
                }
            });
        }));
    }
}
