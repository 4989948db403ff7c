using BenchmarkDotNet.Attributes;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// The three dense-layer GEMM layouts at the size of a 784→128 layer over a batch of 256
/// (2·256·784·128 = 51.4 MFLOP per call); GFLOP/s = 51.38 / (mean in ms).
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private const int Batch = 256;
    private const int Inputs = 784;
    private const int Outputs = 128;

    private float[] _x = [];
    private float[] _w = [];
    private float[] _y = [];
    private float[] _dy = [];
    private float[] _dw = [];
    private float[] _dx = [];

    /// <summary>Floating-point operations of one call.</summary>
    public const double Flops = 2.0 * Batch * Inputs * Outputs;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _x = Fill(random, Batch * Inputs);
        _w = Fill(random, Outputs * Inputs);
        _dy = Fill(random, Batch * Outputs);
        _y = new float[Batch * Outputs];
        _dw = new float[Outputs * Inputs];
        _dx = new float[Batch * Inputs];
    }

    /// <summary>Forward: Y[256×128] += X[256×784] · Wᵀ (W is 128×784); at this size the packed 6×16 kernel.</summary>
    [Benchmark(Baseline = true)]
    public void ForwardABt() => Kernels.MatMulAddABt(_x, _w, _y, Batch, Outputs, Inputs);

    /// <summary>The same product through the dot-product 4×3 kernel (used for small batches), for comparison.</summary>
    [Benchmark]
    public void ForwardABtDot() => Kernels.MatMulAddABtDot(_x, _w, _y, Batch, Outputs, Inputs);

    /// <summary>Input gradient: dX[256×784] += dY[256×128] · W[128×784].</summary>
    [Benchmark]
    public void BackwardAB() => Kernels.MatMulAdd(_dy, _w, _dx, Batch, Inputs, Outputs);

    /// <summary>Weight gradient: dW[128×784] += dYᵀ · X (dY is 256×128, X is 256×784).</summary>
    [Benchmark]
    public void WeightGradAtB() => Kernels.MatMulAddAtB(_dy, _x, _dw, Outputs, Inputs, Batch);

    internal static float[] Fill(Random random, int n)
    {
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return data;
    }
}
