using SymbolicGrad.CompilerServices;
namespace SymbolicGrad.Runtime.Tests;

public class AllocationTests
{
    // Bytes allocated on this thread by 1,000 calls after two of warm-up (JIT, per-thread GEMM packing buffers). Other
    // tests run at the same time and share the worker pool and the thread setting, so one measurement can meet a
    // one-time growth or the runtime's own work (7,688 bytes once in a full run under CI): a measurement that saw bytes
    // is taken again, up to three times. Calls that allocate keep allocating, and fail every attempt.
    private static long AllocatedBy(Action action)
    {
        action();
        action();
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                action();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        return allocated;
    }

    [Fact]
    public void MatrixKernelsAllocateNothing()
    {
        var a = Reference.Random(33 * 17, 1);
        var b = Reference.Random(17 * 20, 2);
        var bt = Reference.Random(20 * 17, 3);
        var at = Reference.Random(17 * 33, 4);
        var c = new float[33 * 20];
        var x = Reference.Random(17, 5);
        var y = new float[33];
        Assert.Equal(0, AllocatedBy(() => Kernels.MatMulAdd(a, b, c, 33, 20, 17)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatMulAddABt(a, bt, c, 33, 20, 17)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatMulAddAtB(at, b, c, 33, 20, 17, 0.5f)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatMulAdd(a, 17, b, 20, c, 20, 33, 20, 17)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatVecAdd(a, 33, 17, x, y)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatTVecAdd(a, 33, 17, y, x)));
        Assert.Equal(0, AllocatedBy(() => Kernels.OuterAdd(a, 33, 17, 0.1f, y, x)));
        var am = new Mat(a, 33, 17);
        Assert.Equal(0, AllocatedBy(() => Kernels.MatVecAdd(am, new Vec(x), new Vec(y))));
        Assert.Equal(0, AllocatedBy(() => Kernels.MatMulAddABt(new Mat(a, 33, 17), new Mat(bt, 20, 17), new Mat(c, 33, 20))));
    }

    [Fact]
    public void ElementwiseKernelsAllocateNothing()
    {
        var m = Reference.Random(8 * 10, 1);
        var g = new float[8 * 10];
        var bias = Reference.Random(10, 2);
        var sums = new float[10];
        int[] labels = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(0, AllocatedBy(() => Kernels.Relu(m, g)));
        Assert.Equal(0, AllocatedBy(() => Kernels.ReluBackward(g, m, g)));
        Assert.Equal(0, AllocatedBy(() => Kernels.ReluBackwardAdd(m.AsSpan(0, 10), bias, sums)));
        Assert.Equal(0, AllocatedBy(() => Kernels.AddBiasRows(g, 8, 10, bias)));
        Assert.Equal(0, AllocatedBy(() => Kernels.AddBiasReluRows(g, 8, 10, bias)));
        Assert.Equal(0, AllocatedBy(() => Kernels.ColumnSumsAdd(m, 8, 10, sums)));
        Assert.Equal(0, AllocatedBy(() => Kernels.SigmoidBackward(m, m, g)));
        Assert.Equal(0, AllocatedBy(() => Kernels.TanhBackward(m, m, g)));
        Assert.Equal(0, AllocatedBy(() => Kernels.Axpy(0.5f, m, g)));
        Assert.Equal(0, AllocatedBy(() => Kernels.SoftmaxCrossEntropyRows(m, 8, 10, labels, g, 0.125f)));
        Assert.Equal(0, AllocatedBy(() => Kernels.SoftmaxCrossEntropy(m.AsSpan(0, 10), 3, g.AsSpan(0, 10))));
        Assert.Equal(0, AllocatedBy(() => Kernels.Softmax(m.AsSpan(0, 10), g.AsSpan(0, 10))));
        Assert.Equal(0, AllocatedBy(() => Kernels.LogSumExp(m)));
    }

    [Fact]
    public void ViewsAndGradientLookupsAllocateNothing()
    {
        var data = new float[100];
        var store = new ParameterStore();
        var w = store.Matrix(4, 5, Init.Zeros);
        float sink = 0;
        Assert.Equal(0, AllocatedBy(() =>
        {
            var row = new Vec(data, 10, 20);
            var mat = new Mat(data, 5, 4, 5);
            sink += row.Span[3] + mat.Row(2)[1] + mat.SliceRows(1, 2)[0, 0] + row.Slice(2, 3)[0];
            sink += store.GradientOf(w)[1, 1] + store.Values[0] + store.Gradients[0];
        }));
        Assert.Equal(0f, sink);
    }

    [Fact]
    public void Layer_kernels_allocate_nothing()
    {
        const int batch = 4;
        var x = Reference.Random(batch * 2 * 6 * 6, 1);
        var y = new float[x.Length];
        var stats = new float[2];
        var invStd = new float[2];
        var gamma = Reference.Random(2, 2);
        var beta = Reference.Random(2, 3);
        var mean = new float[2];
        var variance = new float[] { 1f, 1f };
        Assert.Equal(0, AllocatedBy(() => Kernels.DropoutForward(x, y, batch, 72, 0.5f, 42, 0)));
        Assert.Equal(0, AllocatedBy(() => Kernels.DropoutBackward(x, y, batch, 72, 0.5f, 42, 0, 3)));
        Assert.Equal(0, AllocatedBy(() => Kernels.BatchNormForwardTraining(x, y, batch, 2, 36, gamma, beta, mean, variance, 0.1f, 1e-5f, stats, invStd)));
        Assert.Equal(0, AllocatedBy(() => Kernels.BatchNormForwardEvaluation(x, y, batch, 2, 36, gamma, beta, mean, variance, 1e-5f)));
        Assert.Equal(0, AllocatedBy(() => Kernels.BatchNormBackwardTraining(x, x, y, batch, 2, 36, gamma, stats, invStd, mean, variance)));
        Assert.Equal(0, AllocatedBy(() => Kernels.BatchNormBackwardEvaluation(x, x, y, batch, 2, 36, gamma, stats, variance, 1e-5f, mean, beta)));

        var store = new ParameterStore();
        var conv = store.Conv2d(2, 3, kernel: 3, stride: 2, padding: 1);
        var g = Conv2dGeometry.For(conv, 6, 6);
        var output = new float[batch * g.OutputLength];
        var columns = new float[g.ColumnLength];
        var gradWeights = new float[conv.Weights.Length];
        var gradBias = new float[3];
        var gradInput = new float[x.Length];
        Assert.Equal(0, AllocatedBy(() => Conv2dGeometry.For(conv, 6, 6)));
        Assert.Equal(0, AllocatedBy(() => Kernels.Conv2dForward(Conv2dGeometry.For(conv, 6, 6), batch, x, conv.Weights.Span, conv.Bias.Span, output, columns)));
        Assert.Equal(0, AllocatedBy(() => Kernels.Conv2dBackward(g, batch, x, conv.Weights.Span, output, gradWeights, gradBias, gradInput, columns)));
        var pool = new Pool2dGeometry(2, 6, 6, 2, 2);
        var pooled = new float[batch * pool.OutputLength];
        var argmax = new int[pooled.Length];
        Assert.Equal(0, AllocatedBy(() => Kernels.MaxPool2dForward(pool, batch, x, pooled, argmax)));
        Assert.Equal(0, AllocatedBy(() => Kernels.MaxPool2dBackward(pool, batch, argmax, pooled, gradInput)));
        var model = new AllocationModel();
        Assert.Equal(0, AllocatedBy(() => Kernels.NextRandomStream(model)));
    }

    private sealed class AllocationModel : Model;
}
