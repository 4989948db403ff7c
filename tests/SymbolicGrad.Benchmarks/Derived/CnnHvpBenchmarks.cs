using BenchmarkDotNet.Attributes;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// The Hessian-vector product of a model method through convolution and max pooling, per sample, on a LeNet-like CNN
/// of 28×28 digits (conv 5×5 → 6 channels, ReLU, pool 2, conv 5×5 → 16, ReLU, pool 2, dense 256 → 10): <c>LossHvp</c>
/// along a direction over all the parameters against the generated per-sample gradient (the baseline), so the Ratio
/// column reads Hvp ÷ gradient (issue 10's goal: at most 4). The second convolution's backward tangent costs two
/// products per part (tdY·cols(x)ᵀ + dY·cols(tx)ᵀ, Wᵀ·tdY + tWᵀ·dY) where its gradient costs one. With
/// <c>--cpu-clock</c> the job runs in process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
public class CnnHvpBenchmarks
{
    private readonly HvpLeNet _net = new();
    private float[] _direction = [], _gradient = [], _hv = [];
    private Vec _x;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        _x = new Vec(Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray());
        _direction = Enumerable.Range(0, _net.Parameters.Count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _gradient = new float[_net.Parameters.Count];
        _hv = new float[_net.Parameters.Count];
        // Warm the workspaces.
        Gradient();
        Hvp();
    }

    [Benchmark(Baseline = true)]
    public float Gradient() => _net.LossGradient(_x, 3);

    [Benchmark]
    public float Hvp() => _net.LossHvp(_x, 3, _direction, _gradient, _hv);
}

/// <summary>A LeNet-like CNN with its Hessian-vector product.</summary>
public sealed partial class HvpLeNet : Model
{
    private readonly Conv2d conv1, conv2;
    private readonly Mat W;
    private readonly Vec b;

    /// <summary>He filters, a Xavier dense layer.</summary>
    public HvpLeNet()
    {
        conv1 = Parameters.Conv2d(1, 6, kernel: 5, init: Init.He(1));
        conv2 = Parameters.Conv2d(6, 16, kernel: 5, init: Init.He(2));
        W = Parameters.Matrix(10, 256, Init.Xavier(3));
        b = Parameters.Vector(10);
    }

    /// <summary>1×28×28 → 6×24×24 → 6×12×12 → 16×8×8 → 16×4×4 → 10.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Image h = MaxPool2d(Relu(Conv2d(x.AsImage(1, 28, 28), conv1)), 2);
        h = MaxPool2d(Relu(Conv2d(h, conv2)), 2);
        return SoftmaxCrossEntropy(W * Flatten(h) + b, label);
    }
}
