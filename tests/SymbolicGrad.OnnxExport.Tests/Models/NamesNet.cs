using static SymbolicGrad.Ops;

namespace SymbolicGrad.OnnxExport.Tests.Models;

/// <summary>Names that meet the graph's: a field named like the output, a local named <c>logits</c> that is not the logits, one named <c>graph</c>.</summary>
public sealed partial class NamesNet : Model
{
    private readonly Mat logits, graph;
    private readonly Vec @const;

    public NamesNet()
    {
        logits = Parameters.Matrix(4, 3, Init.Xavier(1));
        graph = Parameters.Matrix(2, 4, Init.Xavier(2));
        @const = Parameters.Vector(2, Init.Normal(0.5f, 3));
    }

    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = Tanh(logits * x);
        return SoftmaxCrossEntropy(graph * h + @const, label);
    }

    /// <summary>The user's code through Ops.</summary>
    public Vec Reference(Vec x) => graph * Tanh(logits * x) + @const;
}
