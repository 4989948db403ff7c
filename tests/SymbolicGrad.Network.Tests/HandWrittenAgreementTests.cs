using SymbolicGrad.CompilerServices;
using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Training with the generated gradient and with the classic hand-written δ-recursion on the same kernels (as in the
/// benchmark's generated ÷ hand-written comparison) ends at the same parameters. Not bit for bit: the two differ in the
/// rounding of the softmax cross-entropy's gradient (generated: <c>exp(z − logΣexp z)</c>, then
/// <c>onehot·(−1/B) + softmax/B</c>; hand-written: <c>e^(z − max)·((1/B)/Σ) − onehot/B</c>), a few units in the last
/// place of each logit's gradient, which the momentum steps carry on (after 20 steps: at most 1.1e-7 relative to
/// 1 + |θ|; the test allows 1e-6). Every other part computes the same bits.
/// </summary>
public sealed class HandWrittenAgreementTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(13, 11, 5, 7, 1)]     // widths and batch off the 8-lane vectors: every loop's scalar tail
    [InlineData(50, 136, 10, 160, 2)] // row loops split on the worker pool (160 × 136 elements), two threads
    public void Generated_and_hand_written_steps_train_to_the_same_parameters(int inputs, int hidden, int classes, int batch, int threads)
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = threads;
            var generated = new AgreementMlp(inputs, hidden, classes, seed: 2);
            var handModel = new AgreementMlp(inputs, hidden, classes, seed: 2);
            var hand = new HandWrittenStep(handModel, batch);
            var options = new TrainerOptions { Progress = TrainingProgress.Silent };
            var generatedTrainer = new Trainer(generated, new Momentum(0.05f, 0.9f), options);
            var handTrainer = new Trainer(hand, new Momentum(0.05f, 0.9f), options);
            Assert.True(generatedTrainer.UsesFusedUpdate && handTrainer.UsesFusedUpdate);
            float[] initial = generated.Parameters.Values.ToArray();

            var random = new Random(9);
            var x = new float[4 * batch * inputs];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle() * 2 - 1;
            var labels = new int[4 * batch];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
            const int Steps = 20;
            for (int step = 0; step < Steps; step++)
            {
                int start = step % 4 * batch;
                var rows = new Mat(x, start * inputs, batch, inputs);
                var targets = new BatchTargets(labels, start, batch);
                float g = generatedTrainer.Step(rows, targets);
                float h = handTrainer.Step(rows, targets);
                Assert.True(Math.Abs(g - h) <= 1e-5f * Math.Abs(h), $"step {step}: loss {g} generated, {h} hand-written");
            }

            var a = generated.Parameters.Values;
            var b = handModel.Parameters.Values;
            float moved = 0, apart = 0;
            for (int i = 0; i < a.Length; i++)
            {
                moved = Math.Max(moved, Math.Abs(a[i] - initial[i]));
                apart = Math.Max(apart, Math.Abs(a[i] - b[i]) / (1f + Math.Abs(b[i])));
            }

            output.WriteLine($"{inputs}-{hidden}-{classes}, batch {batch}, {threads} thread(s): largest move {moved}, largest difference {apart} (relative to 1 + |θ|)");
            Assert.True(moved > 1e-2f, $"training moved no parameter by more than {moved}: the comparison would prove nothing");
            Assert.True(apart <= 1e-6f, $"after {Steps} steps the parameters differ by {apart} (relative to 1 + |θ|), more than rounding");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    /// <summary>The benchmark's hand-written back-propagation for one hidden layer, through the parameter store (so the trainer fuses the update).</summary>
    private sealed class HandWrittenStep(AgreementMlp model, int maxBatch) : ITrainable
    {
        private readonly float[] _hidden = new float[maxBatch * model.W1.Rows];
        private readonly float[] _logits = new float[maxBatch * model.W2.Rows];
        private readonly float[] _dLogits = new float[maxBatch * model.W2.Rows];
        private readonly float[] _dHidden = new float[maxBatch * model.W1.Rows];

        public ParameterStore Parameters => model.Parameters;

        public bool SupportsFusedUpdate => true;

        public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
        {
            int n = inputs.Rows, hidden = model.W1.Rows, classes = model.W2.Rows;
            var h = _hidden.AsSpan(0, n * hidden);
            var z = _logits.AsSpan(0, n * classes);
            Kernels.MatMulABt(inputs.Span, model.W1.Span, h, n, hidden, model.W1.Cols);
            Kernels.AddBiasReluRows(h, n, hidden, model.b1.Span);
            Kernels.MatMulABt(h, model.W2.Span, z, n, classes, hidden);
            Kernels.AddBiasRows(z, n, classes, model.b2.Span);
            float total = Kernels.SoftmaxCrossEntropyRows(z, n, classes, targets.Labels, _dLogits.AsSpan(0, n * classes), 1f / n);
            var dLogits = new Mat(_dLogits, 0, n, classes);
            Parameters.AddOuterProducts(model.W2, dLogits, new Mat(_hidden, 0, n, hidden));
            Parameters.AddColumnSums(model.b2, dLogits);
            var dHidden = _dHidden.AsSpan(0, n * hidden);
            Kernels.MatMul(dLogits.Span, model.W2.Span, dHidden, n, hidden, classes);
            Kernels.ReluBackward(h, dHidden, dHidden);
            Parameters.AddOuterProducts(model.W1, new Mat(_dHidden, 0, n, hidden), inputs);
            Parameters.AddColumnSums(model.b1, new Mat(_dHidden, 0, n, hidden));
            return total / n;
        }

        public int CountCorrect(Mat inputs, in BatchTargets targets) => throw new NotSupportedException();
    }
}

/// <summary>A one-hidden-layer ReLU MLP with non-zero biases, its layers visible to the hand-written step.</summary>
public sealed partial class AgreementMlp : Model
{
    internal readonly Mat W1, W2;
    internal readonly Vec b1, b2;

    /// <summary>He/Xavier weights, small random biases.</summary>
    public AgreementMlp(int inputs, int hidden, int classes, int seed)
    {
        W1 = Parameters.Matrix(hidden, inputs, Init.He(seed));
        b1 = Parameters.Vector(hidden, Init.Normal(0.1f, seed + 5));
        W2 = Parameters.Matrix(classes, hidden, Init.Xavier(seed + 1));
        b2 = Parameters.Vector(classes, Init.Normal(0.1f, seed + 7));
    }

    /// <summary>Softmax cross-entropy of one sample.</summary>
    [Differentiable]
    public float Loss([NoDiff] Vec x, int label)
        => SoftmaxCrossEntropy(W2 * Relu(W1 * x + b1) + b2, label);
}
