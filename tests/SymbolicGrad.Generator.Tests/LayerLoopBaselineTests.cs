using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of a model whose layers are a loop (issue 9), compared with Baselines/&lt;TestName&gt;.g.cs; the output
/// must compile without errors or warnings. Gradients are checked end to end in SymbolicGrad.Network.Tests.
/// </summary>
public sealed class LayerLoopBaselineTests
{
    [Fact]
    public void LayeredNet()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Digits;

            public sealed partial class LayeredNet : Model
            {
                readonly Mat[] W;
                readonly Vec[] b;

                public LayeredNet(int[] sizes, int seed = 0)
                {
                    W = new Mat[sizes.Length - 1];
                    b = new Vec[sizes.Length - 1];
                    for (int l = 0; l < W.Length; l++)
                    {
                        W[l] = Parameters.Matrix(sizes[l + 1], sizes[l], Init.He(seed + l));
                        b[l] = Parameters.Vector(sizes[l + 1]);
                    }
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                {
                    Vec h = x;
                    for (int l = 0; l < W.Length; l++)
                    {
                        Vec z = W[l] * h + b[l];
                        h = l < W.Length - 1 ? Relu(z) : z;
                    }
                    return SoftmaxCrossEntropy(h, label);
                }
            }
            """;
        string generated = Baseline.VerifyGenerated(source, "Digits.LayeredNet.Loss.g.cs");
        // Each layer's weight and bias gradients go through the parameter store, as the unrolled net's do.
        Assert.Contains("Parameters.AddOuterProducts(W_l, ", generated);
        Assert.Contains("Parameters.AddColumnSums(b_l, ", generated);
        Assert.Contains("bool global::SymbolicGrad.ITrainable.SupportsFusedUpdate => true;", generated);
        // The layers run forward first to last and backward last to first, each with its own workspace.
        Assert.Contains("for (int i = W.Length - 1; i >= 0; i--)", generated);
        Assert.Contains("global::SymbolicGrad.CompilerServices.Workspace.Fill(workspace.lossLayers, W.Length)", generated);
    }
}
