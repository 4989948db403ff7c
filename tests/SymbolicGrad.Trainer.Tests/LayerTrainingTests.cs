using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

/// <summary>Training and evaluation modes, and training models with batch normalization, dropout and convolution.</summary>
public class LayerTrainingTests
{
    static Dataset Blobs(int count = 240, int seed = 11) => Synthetic.Blobs(count, features: 10, classes: 4, separation: 1.5f, seed);

    static NormalizedDropoutMlp Mlp(int seed = 5) => new(10, 16, 4, p: 0.3f, seed);

    static SymbolicGrad.Trainer Trainer(ITrainable model, TrainerOptions? options = null) =>
        new(model, new Momentum(0.05f, 0.9f), options ?? Synthetic.Quiet(seed: 3) with { ValidationFraction = 0.2 });

    /// <summary>Records the mode of every call, and can fail in evaluation mode.</summary>
    sealed class ModeProbe : Model, ITrainable
    {
        private readonly Vec _w;

        public ModeProbe() => _w = Parameters.Vector(2);

        public List<string> Calls { get; } = [];

        public bool FailInEvaluation { get; set; }

        public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
        {
            Record(accumulateGradient ? "gradient" : "loss");
            return 1f;
        }

        public int CountCorrect(Mat inputs, in BatchTargets targets)
        {
            Record("count");
            return 0;
        }

        private void Record(string call)
        {
            Calls.Add($"{call} {(Training ? "training" : "evaluation")}");
            if (FailInEvaluation && !Training)
            {
                throw new InvalidOperationException("evaluation failed");
            }
        }
    }

    [Fact]
    public void A_model_starts_in_training_mode_and_fit_puts_it_there()
    {
        var model = Mlp();
        Assert.True(model.Training);

        model.Training = false;
        Trainer(model).Fit(Blobs(), epochs: 1, batchSize: 16);

        Assert.True(model.Training);
    }

    [Fact]
    public void Steps_train_in_training_mode_and_evaluations_and_counts_run_in_evaluation_mode()
    {
        var probe = new ModeProbe();
        var trainer = Trainer(probe, Synthetic.Quiet() with { MeasureTrainingAccuracy = true });
        var data = Synthetic.Blobs(20, features: 3, classes: 2, separation: 1f, seed: 1);

        trainer.Fit(data, epochs: 1, batchSize: 10, validation: data);

        Assert.Equal(
            // A step counts the batch's correct answers (in evaluation mode) before it trains on it.
            ["count evaluation", "gradient training", "count evaluation", "gradient training",
             "loss evaluation", "count evaluation", "loss evaluation", "count evaluation"],
            probe.Calls);

        probe.Calls.Clear();
        probe.Training = false;
        trainer.Evaluate(data, batchSize: 20);
        Assert.False(probe.Training);
        probe.Training = true;
        trainer.Evaluate(data, batchSize: 20);
        Assert.True(probe.Training);
        Assert.Equal(["loss evaluation", "count evaluation", "loss evaluation", "count evaluation"], probe.Calls);
    }

    [Fact]
    public void The_mode_is_restored_when_an_evaluation_throws()
    {
        var probe = new ModeProbe { FailInEvaluation = true };
        var data = Synthetic.Blobs(20, features: 3, classes: 2, separation: 1f, seed: 1);
        var trainer = Trainer(probe, Synthetic.Quiet() with { MeasureTrainingAccuracy = true });

        Assert.Throws<InvalidOperationException>(() => trainer.Evaluate(data));
        Assert.True(probe.Training);
        Assert.Throws<InvalidOperationException>(() => trainer.Fit(data, epochs: 1, batchSize: 10));
        Assert.True(probe.Training);
    }

    [Fact]
    public void Training_with_batch_norm_and_dropout_is_bit_identical_for_a_seed_and_differs_for_another()
    {
        NormalizedDropoutMlp Run(long randomSeed)
        {
            var model = Mlp();
            model.RandomSeed = randomSeed;
            Trainer(model).Fit(Blobs(), epochs: 3, batchSize: 16);
            return model;
        }

        var a = Run(1);
        var b = Run(1);
        var c = Run(2);

        Assert.True(Bits.Identical(a.Parameters.Values, b.Parameters.Values));
        Assert.True(Bits.Identical(a.Parameters.State, b.Parameters.State));
        Assert.Equal(36, a.RandomStep); // 3 epochs × 12 training batches; evaluation draws nothing
        Assert.False(Bits.Identical(a.Parameters.Values, c.Parameters.Values));
    }

    [Fact]
    public void Batch_norm_and_dropout_learn_and_the_running_statistics_move()
    {
        var model = Mlp();
        var trainer = Trainer(model);

        var history = trainer.Fit(Blobs(400), epochs: 8, batchSize: 32);

        Assert.True(history.Last!.ValidationAccuracy > 0.9, $"validation accuracy {history.Last.ValidationAccuracy}");
        Assert.Contains(model.Norm.RunningMean.ToArray(), m => Math.Abs(m) > 0.05f);
        Assert.Contains(model.Norm.RunningVariance.ToArray(), v => Math.Abs(v - 1f) > 0.05f);
    }

    [Fact]
    public void The_batched_evaluation_forward_agrees_with_the_ops_reference()
    {
        var model = Mlp();
        Trainer(model).Fit(Blobs(), epochs: 2, batchSize: 16); // running statistics away from (0, 1)
        model.Training = false;
        var data = Blobs(8, seed: 3);
        var inputs = new Mat(data.Features, 8, 10);

        for (int r = 0; r < 8; r++)
        {
            float batched = model.BatchLoss(inputs.SliceRows(r, 1), new BatchTargets(data.Labels!, r, 1), accumulateGradient: false);
            float reference = model.Loss(inputs.Row(r), data.Labels![r]);
            Assert.True(Math.Abs(batched - reference) <= 1e-5f * (1 + Math.Abs(reference)), $"row {r}: batched {batched}, reference {reference}");
        }

        model.Training = true;
        Assert.Throws<ArgumentException>(() => model.Loss(inputs.Row(0), 0)); // batch statistics of one sample
    }

    [Fact]
    public void A_training_batch_of_one_row_is_refused_by_batch_norm()
    {
        var model = Mlp();
        var data = Blobs(4);

        var error = Assert.Throws<ArgumentException>(() =>
            model.BatchLoss(new Mat(data.Features, 0, 1, 10), new BatchTargets(data.Labels!, 0, 1), accumulateGradient: true));

        Assert.Contains("at least 2 values per channel", error.Message);
    }

    [Fact]
    public void The_gradient_check_runs_in_evaluation_mode_and_restores_mode_state_and_step()
    {
        var model = Mlp();
        Trainer(model).Fit(Blobs(), epochs: 1, batchSize: 16);
        float[] state = model.Parameters.State.ToArray();
        long step = model.RandomStep;
        var data = Blobs(12, seed: 4);

        var report = GradientCheck.Run(model, new Mat(data.Features, 12, 10), data.Labels!, samples: 60, seed: 2);

        Assert.True(report.Passed, report.ToString());
        Assert.Contains(report.Samples, s => s.Name.StartsWith("bn.Gamma[", StringComparison.Ordinal));
        Assert.True(model.Training);
        Assert.Equal(step, model.RandomStep);
        Assert.True(Bits.Identical(state, model.Parameters.State));
    }

    /// <summary>Counts its training steps in a batch norm's running mean; its validation loss is scripted per epoch.</summary>
    sealed class ScriptedValidation : Model, ITrainable
    {
        private readonly double[] _validationLosses;
        private readonly BatchNorm _bn;
        private int _evaluations;

        public ScriptedValidation(double[] validationLosses, int features)
        {
            _validationLosses = validationLosses;
            _bn = Parameters.BatchNorm(features);
        }

        public BatchNorm Norm => _bn;

        public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
        {
            if (Training)
            {
                _bn.RunningMean.Span[0] += 1f;
                return 1f;
            }

            return (float)_validationLosses[_evaluations++];
        }

        public int CountCorrect(Mat inputs, in BatchTargets targets) => -1;
    }

    [Fact]
    public void Restoring_the_best_epoch_restores_its_running_statistics()
    {
        var model = new ScriptedValidation([3, 2, 1, 2, 3, 4], features: 2);
        var data = Synthetic.Blobs(20, features: 3, classes: 2, separation: 1f, seed: 1);
        var trainer = Trainer(model, Synthetic.Quiet() with { Patience = 2 });

        var history = trainer.Fit(data, epochs: 6, batchSize: 10, validation: Synthetic.Blobs(5, features: 3, classes: 2, separation: 1f, seed: 2));

        Assert.Equal(5, history.Last!.Epoch); // stopped two epochs after the best
        Assert.Equal(3, history.RestoredEpoch);
        Assert.Equal(6f, model.Norm.RunningMean[0]); // 3 epochs × 2 steps, not 10
    }

    static Dataset Bars(int count, int side, int seed)
    {
        // Class 0: a horizontal bar, 1: a vertical bar, 2: no bar; Gaussian noise everywhere.
        var random = new Random(seed);
        var x = new float[count * side * side];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            int label = r % 3, at = random.Next(side);
            var image = x.AsSpan(r * side * side, side * side);
            for (int i = 0; i < image.Length; i++)
            {
                image[i] = 0.2f * Synthetic.Normal(random);
            }

            for (int i = 0; i < side && label < 2; i++)
            {
                image[label == 0 ? at * side + i : i * side + at] += 1f;
            }

            labels[r] = label;
        }

        return new Dataset(x, side * side, labels, 3);
    }

    [Fact]
    public void A_small_cnn_learns_bars_and_its_batched_forward_agrees_with_the_ops_reference()
    {
        var model = new TinyCnn(side: 8, filters: 4, classes: 3, seed: 1);
        var history = Trainer(model).Fit(Bars(900, 8, seed: 1), epochs: 8, batchSize: 16);
        Assert.True(history.Last!.ValidationAccuracy >= 0.95, string.Join(", ", history.Epochs.Select(e => $"{e.TrainLoss:F3}/{e.ValidationAccuracy:F3}")));

        var test = Bars(6, 8, seed: 2);
        var inputs = new Mat(test.Features, 6, 64);
        for (int r = 0; r < 6; r++)
        {
            float batched = model.BatchLoss(inputs.SliceRows(r, 1), new BatchTargets(test.Labels!, r, 1), accumulateGradient: false);
            float reference = model.Loss(inputs.Row(r), test.Labels![r]);
            Assert.True(Math.Abs(batched - reference) <= 1e-5f * (1 + Math.Abs(reference)), $"row {r}: batched {batched}, reference {reference}");
        }

        // The batched gradient of an untrained model against central differences of the same network in double
        // (h = 1e-6: no ReLU or pooling kink is crossed, no float rounding): the kernels composed as generated code will.
        var fresh = new TinyCnn(side: 8, filters: 4, classes: 3, seed: 1);
        var batch = new Mat(test.Features, 6, 64);
        fresh.Parameters.ZeroGradients();
        fresh.BatchLoss(batch, new BatchTargets(test.Labels!, 0, 6), accumulateGradient: true);
        var theta = fresh.Parameters.Values.ToArray().Select(v => (double)v).ToArray();
        var analytic = fresh.Parameters.Gradients.ToArray();
        for (int i = 0; i < theta.Length; i++)
        {
            const double h = 1e-6;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (CnnLossInDouble(plus, test.Features, test.Labels!) - CnnLossInDouble(minus, test.Features, test.Labels!)) / (2 * h);
            Assert.True(Math.Abs(analytic[i] - numeric) <= 1e-3 * Math.Abs(numeric) + 1e-6,
                $"parameter {i}: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    // TinyCnn(8, 4 filters, 3 classes) in double: conv 3×3 padding 1 → ReLU → 2×2 max pool → dense → mean cross-entropy.
    static double CnnLossInDouble(double[] theta, float[] images, int[] labels)
    {
        const int side = 8, filters = 4, classes = 3, pooledSide = 4, features = filters * pooledSide * pooledSide;
        int convBias = filters * 9, dense = convBias + filters, denseBias = dense + classes * features;
        double total = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            var conv = new double[filters, side, side];
            for (int f = 0; f < filters; f++)
            {
                for (int y = 0; y < side; y++)
                {
                    for (int x = 0; x < side; x++)
                    {
                        double sum = theta[convBias + f];
                        for (int ky = 0; ky < 3; ky++)
                        {
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int iy = y - 1 + ky, ix = x - 1 + kx;
                                if (iy >= 0 && iy < side && ix >= 0 && ix < side)
                                {
                                    sum += theta[f * 9 + ky * 3 + kx] * images[n * side * side + iy * side + ix];
                                }
                            }
                        }

                        conv[f, y, x] = Math.Max(sum, 0);
                    }
                }
            }

            var pooled = new double[features];
            for (int f = 0; f < filters; f++)
            {
                for (int y = 0; y < pooledSide; y++)
                {
                    for (int x = 0; x < pooledSide; x++)
                    {
                        pooled[(f * pooledSide + y) * pooledSide + x] = Math.Max(
                            Math.Max(conv[f, 2 * y, 2 * x], conv[f, 2 * y, 2 * x + 1]), Math.Max(conv[f, 2 * y + 1, 2 * x], conv[f, 2 * y + 1, 2 * x + 1]));
                    }
                }
            }

            var logits = new double[classes];
            for (int c = 0; c < classes; c++)
            {
                logits[c] = theta[denseBias + c];
                for (int j = 0; j < features; j++)
                {
                    logits[c] += theta[dense + c * features + j] * pooled[j];
                }
            }

            double max = logits.Max();
            total += max + Math.Log(logits.Sum(l => Math.Exp(l - max))) - logits[labels[n]];
        }

        return total / labels.Length;
    }

    [Fact]
    public void Training_steps_with_the_new_layers_allocate_nothing_after_the_first()
    {
        foreach (ITrainable model in new ITrainable[] { Mlp(), new TinyCnn(8, 4, 3, seed: 1) })
        {
            var data = model is TinyCnn ? Bars(400, 8, seed: 5) : Blobs(400);
            var trainer = Trainer(model, Synthetic.Quiet() with { ValidationFraction = 0.1, MeasureTrainingAccuracy = true });
            long start = 0, end = 0;
            trainer.BatchCompleted += (_, p) =>
            {
                if (p.Batch == 2)
                {
                    start = GC.GetAllocatedBytesForCurrentThread();
                }
                else if (p.Batch == p.BatchCount)
                {
                    end = GC.GetAllocatedBytesForCurrentThread();
                }
            };

            trainer.Fit(data, epochs: 1, batchSize: 32);

            Assert.Equal(0, end - start);
        }
    }
}
