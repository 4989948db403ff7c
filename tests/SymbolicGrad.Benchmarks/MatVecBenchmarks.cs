using BenchmarkDotNet.Attributes;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>The batch-1 kernels of a 784→128 dense layer (100,352 multiply-adds each).</summary>
[MemoryDiagnoser]
public class MatVecBenchmarks
{
    private const int Inputs = 784;
    private const int Outputs = 128;

    private float[] _w = [];
    private float[] _x = [];
    private float[] _y = [];
    private float[] _dy = [];
    private float[] _dx = [];
    private float[] _dw = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _w = GemmBenchmarks.Fill(random, Outputs * Inputs);
        _x = GemmBenchmarks.Fill(random, Inputs);
        _dy = GemmBenchmarks.Fill(random, Outputs);
        _y = new float[Outputs];
        _dx = new float[Inputs];
        _dw = new float[Outputs * Inputs];
    }

    /// <summary>Forward: y += W·x.</summary>
    [Benchmark(Baseline = true)]
    public void MatVec() => Kernels.MatVecAdd(_w, Outputs, Inputs, _x, _y);

    /// <summary>Input gradient: dx += Wᵀ·dy.</summary>
    [Benchmark]
    public void MatTVec() => Kernels.MatTVecAdd(_w, Outputs, Inputs, _dy, _dx);

    /// <summary>Weight gradient: dW += dy·xᵀ.</summary>
    [Benchmark]
    public void Outer() => Kernels.OuterAdd(_dw, Outputs, Inputs, 1f, _dy, _x);
}
