using BenchmarkDotNet.Attributes;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// The Hessian-vector product of a model method (256 → 64 → 10, ReLU, softmax cross-entropy, weights in
/// <c>Parameters</c>): <c>LossHvp</c> along a direction over all the parameters against the generated per-sample
/// gradient (the baseline), so the Ratio column reads Hvp ÷ gradient (issue 10's goal: at most 4). The same
/// perceptron written as a loop over its layers (<see cref="HvpLayerLoopMlp"/>, each layer's Hvp a forward and a backward
/// method of its own) is the second category, against its own gradient. With <c>--cpu-clock</c> the job runs in
/// process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class ModelHvpBenchmarks
{
    private readonly DenseMlp _net = new(256, 64, 10);
    private readonly HvpLayerLoopMlp _loop = new(256, 64, 10);
    private float[] _direction = [], _gradient = [], _hv = [];
    private Vec _x;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(10);
        _x = new Vec(Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        _direction = Enumerable.Range(0, _net.Parameters.Count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _gradient = new float[_net.Parameters.Count];
        _hv = new float[_net.Parameters.Count];
        // Warm the workspaces (the two models have the same number of parameters).
        Gradient();
        Hvp();
        LoopGradient();
        LoopHvp();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Dense")]
    public float Gradient() => _net.LossGradient(_x, 3);

    [Benchmark, BenchmarkCategory("Dense")]
    public float Hvp() => _net.LossHvp(_x, 3, _direction, _gradient, _hv);

    [Benchmark(Baseline = true), BenchmarkCategory("LayerLoop")]
    public float LoopGradient() => _loop.LossGradient(_x, 3);

    [Benchmark, BenchmarkCategory("LayerLoop")]
    public float LoopHvp() => _loop.LossHvp(_x, 3, _direction, _gradient, _hv);
}

/// <summary>A two-layer perceptron with its Hessian-vector product.</summary>
public sealed partial class DenseMlp : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;

    /// <summary>inputs → hidden (ReLU) → classes.</summary>
    public DenseMlp(int inputs, int hidden, int classes)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(1));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, 2));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(3));
        b2 = Parameters.Vector(classes, Init.Normal(0.1f, 4));
    }

    /// <summary>SoftmaxCrossEntropy(W2·relu(W1·x + b1) + b2, label).</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}

/// <summary>The same perceptron as <see cref="DenseMlp"/>, written as a loop over its layers.</summary>
public sealed partial class HvpLayerLoopMlp : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>inputs → hidden (ReLU) → classes, initialized as <see cref="DenseMlp"/> is.</summary>
    public HvpLayerLoopMlp(int inputs, int hidden, int classes)
    {
        W = new Mat[2];
        b = new Vec[2];
        W[0] = Parameters.Matrix(hidden, inputs, Init.He(1));
        b[0] = Parameters.Vector(hidden, Init.Normal(0.1f, 2));
        W[1] = Parameters.Matrix(classes, hidden, Init.Xavier(3));
        b[1] = Parameters.Vector(classes, Init.Normal(0.1f, 4));
    }

    /// <summary>h = x; per layer h = W[l]·h + b[l], through ReLU but for the last; softmax cross-entropy of h.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Relu(W[l] * h + b[l]) : W[l] * h + b[l];
        return SoftmaxCrossEntropy(h, label);
    }
}
