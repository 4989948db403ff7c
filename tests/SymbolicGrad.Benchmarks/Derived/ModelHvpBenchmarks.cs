using BenchmarkDotNet.Attributes;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// The Hessian-vector product of a model method (256 → 64 → 10, ReLU, softmax cross-entropy, weights in
/// <c>Parameters</c>): <c>LossHvp</c> along a direction over all the parameters against the generated per-sample
/// gradient (the baseline), so the Ratio column reads Hvp ÷ gradient (issue 10's goal: at most 4). With
/// <c>--cpu-clock</c> the job runs in process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
public class ModelHvpBenchmarks
{
    private readonly DenseMlp _net = new(256, 64, 10);
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
        // Warm the workspaces.
        Gradient();
        Hvp();
    }

    [Benchmark(Baseline = true)]
    public float Gradient() => _net.LossGradient(_x, 3);

    [Benchmark]
    public float Hvp() => _net.LossHvp(_x, 3, _direction, _gradient, _hv);
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
