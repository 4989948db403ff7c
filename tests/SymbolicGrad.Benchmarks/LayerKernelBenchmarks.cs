using BenchmarkDotNet.Attributes;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// The layer kernels at the sizes of a LeNet-style digits CNN over a batch of 64: conv1 1→6 (5×5) on 28×28
/// (2·64·6·25·576 = 11.1 MFLOP), conv2 6→16 (5×5) on 12×12 (2·64·16·150·64 = 19.7 MFLOP), 2×2 max pooling, batch
/// normalization and dropout over 64 × 120 features. GFLOP/s of a convolution = MFLOP / (mean in µs) · 1000 / 1000.
/// </summary>
[MemoryDiagnoser]
public class LayerKernelBenchmarks
{
    private const int Batch = 64;
    private const int Features = 120;

    private readonly Conv2dGeometry _conv1 = new(1, 28, 28, 6, 5, 1, 0);
    private readonly Conv2dGeometry _conv2 = new(6, 12, 12, 16, 5, 1, 0);
    private readonly Pool2dGeometry _pool = new(6, 24, 24, 2, 2);
    private float[] _x1 = [], _w1 = [], _b1 = [], _y1 = [], _dw1 = [], _db1 = [];
    private float[] _x2 = [], _w2 = [], _b2 = [], _y2 = [], _dw2 = [], _db2 = [], _dx2 = [];
    private float[] _columns = [], _pooled = [], _dPooled = [];
    private int[] _argmax = [];
    private float[] _h = [], _hOut = [], _gamma = [], _beta = [], _mean = [], _variance = [], _savedMean = [], _savedInvStd = [], _dGamma = [], _dBeta = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _x1 = GemmBenchmarks.Fill(random, Batch * _conv1.InputLength);
        _w1 = GemmBenchmarks.Fill(random, 6 * _conv1.ColumnRows);
        _b1 = GemmBenchmarks.Fill(random, 6);
        _y1 = new float[Batch * _conv1.OutputLength];
        _dw1 = new float[_w1.Length];
        _db1 = new float[6];
        _x2 = GemmBenchmarks.Fill(random, Batch * _conv2.InputLength);
        _w2 = GemmBenchmarks.Fill(random, 16 * _conv2.ColumnRows);
        _b2 = GemmBenchmarks.Fill(random, 16);
        _y2 = GemmBenchmarks.Fill(random, Batch * _conv2.OutputLength);
        _dw2 = new float[_w2.Length];
        _db2 = new float[16];
        _dx2 = new float[_x2.Length];
        _columns = new float[Math.Max(_conv1.ColumnLength, _conv2.ColumnLength)];
        _pooled = new float[Batch * _pool.OutputLength];
        _dPooled = GemmBenchmarks.Fill(random, _pooled.Length);
        _argmax = new int[_pooled.Length];
        _h = GemmBenchmarks.Fill(random, Batch * Features);
        _hOut = new float[_h.Length];
        _gamma = GemmBenchmarks.Fill(random, Features);
        _beta = GemmBenchmarks.Fill(random, Features);
        _mean = new float[Features];
        _variance = Enumerable.Repeat(1f, Features).ToArray();
        _savedMean = new float[Features];
        _savedInvStd = new float[Features];
        _dGamma = new float[Features];
        _dBeta = new float[Features];
        Kernels.MaxPool2dForward(_pool, Batch, _y1, _pooled, _argmax);
    }

    /// <summary>conv1 forward: im2col (25 × 576 per sample) and a 6 × 576 × 25 GEMM per sample.</summary>
    [Benchmark(Baseline = true)]
    public void Conv1Forward() => Kernels.Conv2dForward(_conv1, Batch, _x1, _w1, _b1, _y1, _columns);

    /// <summary>conv1 backward without an input gradient (the image): im2col again and dW += dY·colsᵀ.</summary>
    [Benchmark]
    public void Conv1Backward() => Kernels.Conv2dBackward(_conv1, Batch, _x1, _w1, _y1, _dw1, _db1, [], _columns);

    /// <summary>conv2 forward: im2col (150 × 64 per sample) and a 16 × 64 × 150 GEMM per sample.</summary>
    [Benchmark]
    public void Conv2Forward() => Kernels.Conv2dForward(_conv2, Batch, _x2, _w2, _b2, _y2, _columns);

    /// <summary>conv2 backward with the input gradient: dW, db, and dX = col2im(Wᵀ·dY).</summary>
    [Benchmark]
    public void Conv2Backward() => Kernels.Conv2dBackward(_conv2, Batch, _x2, _w2, _y2, _dw2, _db2, _dx2, _columns);

    /// <summary>2×2 max pooling of 64 × 6 × 24 × 24, saving the argmax.</summary>
    [Benchmark]
    public void MaxPoolForward() => Kernels.MaxPool2dForward(_pool, Batch, _y1, _pooled, _argmax);

    /// <summary>Its backward: scatter 64 × 6 × 12 × 12 gradients.</summary>
    [Benchmark]
    public void MaxPoolBackward() => Kernels.MaxPool2dBackward(_pool, Batch, _argmax, _dPooled, _y1);

    /// <summary>Batch normalization forward in training mode, 64 × 120.</summary>
    [Benchmark]
    public void BatchNormForward() =>
        Kernels.BatchNormForwardTraining(_h, _hOut, Batch, Features, 1, _gamma, _beta, _mean, _variance, 0.1f, 1e-5f, _savedMean, _savedInvStd);

    /// <summary>Batch normalization backward through the batch statistics, 64 × 120.</summary>
    [Benchmark]
    public void BatchNormBackward() =>
        Kernels.BatchNormBackwardTraining(_h, _hOut, _hOut, Batch, Features, 1, _gamma, _savedMean, _savedInvStd, _dGamma, _dBeta);

    /// <summary>Dropout (p = 0.5) forward, 64 × 120: one hash per two elements.</summary>
    [Benchmark]
    public void DropoutForward() => Kernels.DropoutForward(_h, _hOut, Batch, Features, 0.5f, 12345, 0);
}
