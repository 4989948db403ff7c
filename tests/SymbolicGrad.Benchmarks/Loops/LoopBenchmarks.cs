using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Loops;

/// <summary>
/// The gradient of a loop against the loop itself (issue 9): the dot product and a least-squares loss over 10⁶
/// points (goal: gradient ≤ 3× the primal), Horner's rule over 10⁶ coefficients (goal ≤ 4×). Each pair is one
/// benchmark category, the primal its baseline, so the Ratio column is the gradient's cost in primals.
/// <c>--cpu-clock</c> times by thread CPU time (see <see cref="LoopBenchmarkConfig"/>).
/// </summary>
[Config(typeof(LoopBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LoopBenchmarks
{
    private const int N = 1_000_000;
    private double[] _a = null!, _b = null!, _da = null!, _db = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(9);
        _a = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _b = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _da = new double[N];
        _db = new double[N];
        // Warm the per-thread tapes so the measured calls allocate nothing.
        LoopFunctions.HornerGradient(_a, 0.999, _da, out _);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Dot")]
    public double Dot() => LoopFunctions.Dot(_a, _b);

    [Benchmark, BenchmarkCategory("Dot")]
    public double DotGradient() => LoopFunctions.DotGradient(_a, _b, _da, _db);

    [Benchmark(Baseline = true), BenchmarkCategory("LeastSquares")]
    public double LeastSquares() => LoopFunctions.LeastSquares(_a, _b, 0.7, -0.2);

    [Benchmark, BenchmarkCategory("LeastSquares")]
    public double LeastSquaresGradient() => LoopFunctions.LeastSquaresGradient(_a, _b, 0.7, -0.2, out _, out _);

    [Benchmark(Baseline = true), BenchmarkCategory("Horner")]
    public double Horner() => LoopFunctions.Horner(_a, 0.999);

    [Benchmark, BenchmarkCategory("Horner")]
    public double HornerGradient() => LoopFunctions.HornerGradient(_a, 0.999, _da, out _);
}
