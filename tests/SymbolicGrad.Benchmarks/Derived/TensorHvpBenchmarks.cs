using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// The Hessian-vector product of a function of Vec and Mat values (a 256 → 64 → 10 perceptron): <c>MlpHvp</c> against
/// the generated gradient (the baseline), so the Ratio column reads Hvp ÷ gradient (issue 10's goal: at most 4).
/// With <c>--cpu-clock</c> the job runs in process on thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
public class TensorHvpBenchmarks
{
    private const int In = 256, Hidden = 64, Classes = 10;
    private Mat _w1, _w2, _tW1, _tW2, _dW1, _dW2, _hvW1, _hvW2;
    private Vec _b1, _b2, _x, _tB1, _tB2, _dB1, _dB2, _hvB1, _hvB2;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(10);
        Mat M(int rows, int cols) => new(Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray(), rows, cols);
        Vec V(int n) => new(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        (_w1, _b1, _w2, _b2, _x) = (M(Hidden, In), V(Hidden), M(Classes, Hidden), V(Classes), V(In));
        (_tW1, _tB1, _tW2, _tB2) = (M(Hidden, In), V(Hidden), M(Classes, Hidden), V(Classes));
        (_dW1, _dB1, _dW2, _dB2) = (new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes));
        (_hvW1, _hvB1, _hvW2, _hvB2) = (new Mat(Hidden, In), new Vec(Hidden), new Mat(Classes, Hidden), new Vec(Classes));
        // Warm the per-thread workspaces.
        MlpHvp();
        MlpGradient();
    }

    [Benchmark(Baseline = true)]
    public float MlpGradient() => TensorHvpFunctions.MlpGradient(_w1, _b1, _w2, _b2, _x, 3, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public float MlpHvp() => TensorHvpFunctions.MlpHvp(_w1, _b1, _w2, _b2, _x, 3, _tW1, _tB1, _tW2, _tB2,
        _dW1, _dB1, _dW2, _dB2, _hvW1, _hvB1, _hvW2, _hvB2);
}
