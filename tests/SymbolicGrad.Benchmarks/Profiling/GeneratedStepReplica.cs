using System.Diagnostics;
using SymbolicGrad.Benchmarks.Training;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// The generated 784-128-10 training step re-assembled from its pieces — the same kernel calls and the emitted
/// element-wise loops (<see cref="EmittedLoops"/>), in the emitted order, on the model's own parameter and gradient
/// buffers — so that each phase can be timed in context (with the caches as a real step leaves them), and so that the
/// <see cref="StepVariant"/> changes can be tried on the whole step.
/// </summary>
internal sealed class GeneratedStepReplica
{
    private const int Hidden = 128;
    private const int Classes = TrainingData.Classes;
    private const int Inputs = TrainingData.Features;

    private readonly SmallMlp _model;
    private readonly Momentum _optimizer = new(0.01f, 0.9f);
    private readonly StepVariant _variant;
    private readonly float[] _t1, _t2, _t3, _t4, _t5, _lse, _f, _dT5, _dT3, _dT2;
    private readonly bool[] _c1;

    /// <summary>The phases in step order; <see cref="Step"/> adds each one's Stopwatch ticks into <see cref="Ticks"/> when timing.</summary>
    public static readonly string[] Phases =
    [
        "ZeroGradients",
        "t1 = x·W1ᵀ  (Clear + GEMM)",
        "t2 = t1 + b1; c1 = t2 > 0; t3 = c1 ? t2 : 0",
        "t4 = t3·W2ᵀ  (Clear + GEMM)",
        "t5 = t4 + b2",
        "logsumexp, loss, dT5",
        "dT3 = dT5·W2  (Clear + GEMM)",
        "dT2 = c1 ? dT3 : 0",
        "dW1 += dT2ᵀ·x  (GEMM)",
        "dW2 += dT5ᵀ·t3  (GEMM)",
        "db1, db2  (column sums)",
        "Momentum.Step",
    ];

    /// <summary>Per-phase Stopwatch ticks of the last timed step.</summary>
    public long[] Ticks { get; } = new long[Phases.Length];

    public GeneratedStepReplica(SmallMlp model, int batch, StepVariant variant)
    {
        _model = model;
        _variant = variant;
        _t1 = new float[batch * Hidden];
        _t2 = new float[batch * Hidden];
        _c1 = new bool[batch * Hidden];
        _t3 = new float[batch * Hidden];
        _t4 = new float[batch * Classes];
        _t5 = new float[batch * Classes];
        _lse = new float[batch];
        _f = new float[batch];
        _dT5 = new float[batch * Classes];
        _dT3 = new float[batch * Hidden];
        _dT2 = new float[batch * Hidden];
    }

    private bool Has(StepVariant v) => (_variant & v) != 0;

    /// <summary>One training step on the batch (labels in <paramref name="label"/>); returns the mean loss.</summary>
    public float Step(Mat x, ReadOnlySpan<int> label, bool time)
    {
        int batch = x.Rows;
        var p = _model.Parameters;
        ReadOnlySpan<float> xs = x.Span, w1 = _model.W1.Span, w2 = _model.W2.Span, b1 = _model.b1.Span, b2 = _model.b2.Span;
        Span<float> dW1 = p.GradientOf(_model.W1).Span, dW2 = p.GradientOf(_model.W2).Span;
        Span<float> dB1 = p.GradientOf(_model.b1).Span, dB2 = p.GradientOf(_model.b2).Span;
        bool matVec = batch == 1; // as emitted: the matrix–vector kernels for a batch of one
        float[] t1 = _t1, t2 = _t2, t3 = _t3, t4 = _t4, t5 = _t5, dT5 = _dT5, dT3 = _dT3, dT2 = _dT2;
        float loss;
        long mark = time ? Stopwatch.GetTimestamp() : 0;

        p.ZeroGradients();
        Lap(0, time, ref mark);

        // Forward.
        bool prefill = Has(StepVariant.BiasPrefill);
        float[] z1 = prefill ? t2 : t1; // with the bias prefilled, the GEMM writes z1 = x·W1ᵀ + b1 straight away
        if (prefill) SuggestedLoops.BiasPrefill(z1, b1, batch, Hidden);
        else z1.AsSpan().Clear();
        if (matVec) Kernels.MatVecAdd(w1, Hidden, Inputs, xs, z1);
        else Kernels.MatMulAddABt(xs, w1, z1, batch, Hidden, Inputs);
        Lap(1, time, ref mark);

        if (Has(StepVariant.FuseBiasRelu))
        {
            if (prefill) SuggestedLoops.ReluVector(t2, t3, batch * Hidden);
            else SuggestedLoops.BiasReluFused(t1, b1, t3, batch, Hidden);
        }
        else
        {
            if (!prefill)
            {
                if (Has(StepVariant.NoBoundsChecks)) SuggestedLoops.BiasAddUnchecked(t1, b1, t2, batch, Hidden);
                else EmittedLoops.BiasAdd(t1, b1, t2, batch, Hidden);
            }

            if (Has(StepVariant.NoBoundsChecks)) SuggestedLoops.ReluUnchecked(t2, _c1, t3, batch * Hidden);
            else
            {
                EmittedLoops.ReluCondition(t2, _c1, batch, Hidden);
                EmittedLoops.ReluSelect(_c1, t2, t3, batch, Hidden);
            }
        }

        Lap(2, time, ref mark);

        float[] z2 = prefill ? t5 : t4;
        if (prefill) SuggestedLoops.BiasPrefill(z2, b2, batch, Classes);
        else z2.AsSpan().Clear();
        if (matVec) Kernels.MatVecAdd(w2, Classes, Hidden, t3, z2);
        else Kernels.MatMulAddABt(t3, w2, z2, batch, Classes, Hidden);
        Lap(3, time, ref mark);

        if (!prefill)
        {
            if (Has(StepVariant.NoBoundsChecks)) SuggestedLoops.BiasAddUnchecked(t4, b2, t5, batch, Classes);
            else EmittedLoops.BiasAdd(t4, b2, t5, batch, Classes);
        }

        Lap(4, time, ref mark);

        if (Has(StepVariant.FusedSoftmaxCrossEntropy))
        {
            loss = Kernels.SoftmaxCrossEntropyRows(t5, batch, Classes, label, dT5.AsSpan(0, batch * Classes), 1f / batch) / batch;
        }
        else
        {
            loss = EmittedLoops.LogSumExpLoss(t5, _lse, _f, label, batch, Classes);
            EmittedLoops.SoftmaxGradient(t5, _lse, dT5, label, batch, Classes);
        }

        Lap(5, time, ref mark);

        // Backward.
        dT3.AsSpan().Clear();
        if (matVec) Kernels.MatTVecAdd(w2, Classes, Hidden, dT5, dT3);
        else Kernels.MatMulAdd(dT5, w2, dT3, batch, Hidden, Classes);
        Lap(6, time, ref mark);

        if (Has(StepVariant.VectorReluMask) || Has(StepVariant.FuseBiasRelu)) SuggestedLoops.ReluMaskVector(t3, dT3, dT2, batch * Hidden);
        else if (Has(StepVariant.NoBoundsChecks)) SuggestedLoops.ReluMaskUnchecked(_c1, dT3, dT2, batch * Hidden);
        else EmittedLoops.ReluMask(_c1, dT3, dT2, batch, Hidden);
        Lap(7, time, ref mark);

        if (matVec) Kernels.OuterAdd(dW1, Hidden, Inputs, 1f, dT2, xs);
        else Kernels.MatMulAddAtB(dT2, xs, dW1, Hidden, Inputs, batch);
        Lap(8, time, ref mark);

        if (matVec) Kernels.OuterAdd(dW2, Classes, Hidden, 1f, dT5, t3);
        else Kernels.MatMulAddAtB(dT5, t3, dW2, Classes, Hidden, batch);
        Lap(9, time, ref mark);

        Kernels.ColumnSumsAdd(dT2, batch, Hidden, dB1);
        Kernels.ColumnSumsAdd(dT5, batch, Classes, dB2);
        Lap(10, time, ref mark);

        _optimizer.Step(p.Values, p.Gradients);
        Lap(11, time, ref mark);
        return loss;
    }

    private void Lap(int phase, bool time, ref long mark)
    {
        if (time)
        {
            long now = Stopwatch.GetTimestamp();
            Ticks[phase] = now - mark;
            mark = now;
        }
    }
}
