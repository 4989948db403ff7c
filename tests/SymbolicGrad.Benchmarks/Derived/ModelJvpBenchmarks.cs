using BenchmarkDotNet.Attributes;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// Forward mode on a model method whose layers are a loop (256 → 64 → 10, ReLU but on the last layer): the generated
/// per-sample forward pass (the baseline), <c>LossJvp</c> along a direction over all the parameters, and the generated
/// gradient, so the Ratio column reads Jvp ÷ forward and gradient ÷ forward side by side. With <c>--cpu-clock</c> the job
/// runs in process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
public class ModelJvpBenchmarks
{
    private readonly LayerLoopMlp _net = new([256, 64, 10]);
    private readonly LayerLoopMlp.LossWorkspace _workspace = new();
    private float[] _direction = [];
    private Vec _x;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(10);
        _x = new Vec(Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
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

/// <summary>An MLP written as a loop over its layers, with its Jvp.</summary>
public sealed partial class LayerLoopMlp : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes.</summary>
    public LayerLoopMlp(int[] sizes)
    {
        W = new Mat[sizes.Length - 1];
        b = new Vec[sizes.Length - 1];
        for (int l = 0; l < W.Length; l++)
        {
            W[l] = Parameters.Matrix(sizes[l + 1], sizes[l], Init.He(l));
            b[l] = Parameters.Vector(sizes[l + 1], Init.Normal(0.1f, 100 + l));
        }
    }

    /// <summary>Softmax cross-entropy of the layers, ReLU on all but the last.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Relu(W[l] * h + b[l]) : W[l] * h + b[l];
        return SoftmaxCrossEntropy(h, label);
    }
}
