using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Derived;

/// <summary>
/// Forward mode and second order (issue 10), each benchmark category against its baseline so the Ratio column is the
/// goal's ratio: Jvp against the primal (goal ≤ 1.5×), Hvp against the gradient (goal ≤ 4×), and the full Hessian of a
/// function of ten scalars (the baseline) against ten Hessian-vector sweeps along the unit vectors. With
/// <c>--cpu-clock</c> the loop benchmarks' job runs them in process, timed by thread CPU time.
/// </summary>
[Config(typeof(Loops.LoopBenchmarkConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DerivedBenchmarks
{
    private const int N = 100_000;
    private double[] _xs = null!, _ys = null!, _c = null!, _tC = null!, _dC = null!, _hvC = null!;
    private readonly double[] _p = [0.9, 1.1, 0.8, 1.2, 0.7, 1.3, 0.95, 1.05, 0.85, 1.15];
    private readonly double[] _gradient = new double[10], _hessian = new double[100];
    // Read from fields so that the JIT cannot fold the scalar calls to constants.
    private double _x = 3.0, _phi0 = 0.5, _phi1 = 1.5, _t0 = 0.75, _t1 = -2.0;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(10);
        _xs = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _ys = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _c = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _tC = Enumerable.Range(0, N).Select(_ => random.NextDouble() - 0.5).ToArray();
        _dC = new double[N];
        _hvC = new double[N];
        // Warm the per-thread tapes so the measured calls allocate nothing.
        DerivedFunctions.HornerGradient(_c, 0.999, _dC, out _);
        DerivedFunctions.HornerHvp(_c, 0.999, _tC, 1.0, _dC, out _, _hvC, out _);
    }

    // ---- Jvp against the primal (goal ≤ 1.5×) ----

    [Benchmark(Baseline = true), BenchmarkCategory("Jvp.Gabor")]
    public double Gabor() => DerivedFunctions.Gabor(_x, _phi0, _phi1);

    [Benchmark, BenchmarkCategory("Jvp.Gabor")]
    public double GaborJvp() => DerivedFunctions.GaborJvp(_x, _phi0, _phi1, _t0, _t1, out _);

    [Benchmark(Baseline = true), BenchmarkCategory("Jvp.LeastSquares")]
    public double LeastSquares() => DerivedFunctions.LeastSquares(_xs, _ys, 0.7, -0.2);

    [Benchmark, BenchmarkCategory("Jvp.LeastSquares")]
    public double LeastSquaresJvp() => DerivedFunctions.LeastSquaresJvp(_xs, _ys, 0.7, -0.2, 1.0, 0.5, out _);

    [Benchmark(Baseline = true), BenchmarkCategory("Jvp.Horner")]
    public double Horner() => DerivedFunctions.Horner(_c, 0.999);

    [Benchmark, BenchmarkCategory("Jvp.Horner")]
    public double HornerJvp() => DerivedFunctions.HornerJvp(_c, 0.999, _tC, 1.0, out _);

    // ---- Hvp against the gradient (goal ≤ 4×) ----

    [Benchmark(Baseline = true), BenchmarkCategory("Hvp.Gabor")]
    public double GaborGradient() => DerivedFunctions.GaborGradient(_x, _phi0, _phi1, out _, out _);

    [Benchmark, BenchmarkCategory("Hvp.Gabor")]
    public double GaborHvp() => DerivedFunctions.GaborHvp(_x, _phi0, _phi1, _t0, _t1, out _, out _, out _, out _);

    [Benchmark(Baseline = true), BenchmarkCategory("Hvp.LeastSquares")]
    public double LeastSquaresGradient() => DerivedFunctions.LeastSquaresGradient(_xs, _ys, 0.7, -0.2, out _, out _);

    [Benchmark, BenchmarkCategory("Hvp.LeastSquares")]
    public double LeastSquaresHvp() => DerivedFunctions.LeastSquaresHvp(_xs, _ys, 0.7, -0.2, 1.0, 0.5, out _, out _, out _, out _);

    [Benchmark(Baseline = true), BenchmarkCategory("Hvp.Horner")]
    public double HornerGradient()
    {
        Array.Clear(_dC);
        return DerivedFunctions.HornerGradient(_c, 0.999, _dC, out _);
    }

    [Benchmark, BenchmarkCategory("Hvp.Horner")]
    public double HornerHvp()
    {
        Array.Clear(_dC);
        Array.Clear(_hvC);
        return DerivedFunctions.HornerHvp(_c, 0.999, _tC, 1.0, _dC, out _, _hvC, out _);
    }

    // ---- Full Hessian of ten parameters against ten Hvp sweeps ----

    [Benchmark(Baseline = true), BenchmarkCategory("Hessian.Ten")]
    public double TenHessian()
    {
        var p = _p;
        return DerivedFunctions.TenHessian(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], _gradient, _hessian);
    }

    [Benchmark, BenchmarkCategory("Hessian.Ten")]
    public double TenHvpSweeps()
    {
        var p = _p;
        var h = _hessian;
        double value = 0;
        for (int j = 0; j < 10; j++)
        {
            // Column j of the Hessian: H·eⱼ.
            value = DerivedFunctions.TenHvp(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9],
                j == 0 ? 1 : 0, j == 1 ? 1 : 0, j == 2 ? 1 : 0, j == 3 ? 1 : 0, j == 4 ? 1 : 0,
                j == 5 ? 1 : 0, j == 6 ? 1 : 0, j == 7 ? 1 : 0, j == 8 ? 1 : 0, j == 9 ? 1 : 0,
                out _, out _, out _, out _, out _, out _, out _, out _, out _, out _,
                out h[j], out h[10 + j], out h[20 + j], out h[30 + j], out h[40 + j],
                out h[50 + j], out h[60 + j], out h[70 + j], out h[80 + j], out h[90 + j]);
        }
        return value;
    }
}
