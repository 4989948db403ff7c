using BenchmarkDotNet.Attributes;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// Forward mode through convolution and max pooling, per sample, on a LeNet-like CNN of 28×28 digits (conv 5×5 → 6
/// channels, ReLU, pool 2, conv 5×5 → 16, ReLU, pool 2, dense 256 → 10): the generated forward pass (the baseline),
/// <c>LossJvp</c> along a direction over all the parameters, and the generated gradient, so the Ratio column reads
/// Jvp ÷ forward and gradient ÷ forward side by side. The first convolution reads the data: its tangent is conv(x, tW)
/// + tb only; the second's is conv(tx, W) + conv(x, tW) + tb, two convolutions for one. With <c>--cpu-clock</c> the job
/// runs in process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
public class CnnJvpBenchmarks
{
    private readonly JvpLeNet _net = new();
    private readonly JvpLeNet.LossWorkspace _workspace = new();
    private float[] _direction = [];
    private Vec _x;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _x = new Vec(Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray());
        _direction = Enumerable.Range(0, _net.Parameters.Count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        // Warm the workspaces.
        Forward();
        Jvp();
        Gradient();
    }

    [Benchmark(Baseline = true)]
    public float Forward() => _net.LossForward(_workspace, _x, 3);

    [Benchmark]
    public float Jvp() => _net.LossJvp(_x, 3, _direction, out _);

    [Benchmark]
    public float Gradient() => _net.LossGradient(_x, 3);
}

/// <summary>A LeNet-like CNN with its Jvp.</summary>
public sealed partial class JvpLeNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, a Xavier dense layer.</summary>
    public JvpLeNet()
    {
        conv1 = Parameters.Conv2d(1, 6, kernel: 5, init: Init.He(1));
        conv2 = Parameters.Conv2d(6, 16, kernel: 5, init: Init.He(2));
        W = Parameters.Matrix(10, 256, Init.Xavier(3));
        b = Parameters.Vector(10);
    }

    /// <summary>1×28×28 → 6×24×24 → 6×12×12 → 16×8×8 → 16×4×4 → 10.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = MaxPool2d(Relu(Conv2d(x.AsImage(1, 28, 28), conv1)), 2);
        h = MaxPool2d(Relu(Conv2d(h, conv2)), 2);
        return SoftmaxCrossEntropy(W * Flatten(h) + b, label);
    }
}
