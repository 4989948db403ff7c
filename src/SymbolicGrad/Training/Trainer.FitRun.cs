using System.Diagnostics;

namespace SymbolicGrad;

public sealed partial class Trainer
{
    /// <summary>The state of one <see cref="Fit"/> call: buffers, counters, the best parameters so far.</summary>
    private sealed class FitRun
    {
        private readonly Trainer _trainer;
        private readonly Dataset _train;
        private readonly Dataset? _validation;
        private readonly int _epochs;
        private readonly int _batchSize;
        // Pinned with element 0 on a cache line, so with 16·(2j + 1) features a row (784) every row of the batch starts on
        // one and the weight updates read the batch in place (PackedGemm.ReadsBInPlace).
        private readonly float[] _features;
        private readonly int[]? _labels;
        private readonly float[]? _targets;
        private readonly int[] _order;
        private float[]? _best;
        private float[]? _bestState;
        private double _bestLoss = double.PositiveInfinity;
        private int _bestSavedEpoch;

        internal FitRun(Trainer trainer, Dataset train, Dataset? validation, int epochs, int batchSize)
        {
            _trainer = trainer;
            _train = train;
            _validation = validation;
            _epochs = epochs;
            _batchSize = Math.Min(batchSize, train.Count);
            _features = AlignedBuffer.AllocateArray(_batchSize * train.FeatureCount);
            if (train.IsClassification)
            {
                _labels = new int[_batchSize];
            }
            else
            {
                _targets = new float[_batchSize * train.TargetCount];
            }

            _order = new int[train.Count];
            LastEpoch = trainer.CompletedEpochs + epochs;
        }

        internal TrainingHistory History { get; } = new();

        internal int LastEpoch { get; }

        internal void Execute(IProgress<TrainingProgress> progress)
        {
            var options = _trainer._options;
            int first = _trainer.CompletedEpochs + 1;
            int last = LastEpoch;
            int batches = BatchCount;
            int sinceBest = 0;
            for (int epoch = first; epoch <= last; epoch++)
            {
                long start = Stopwatch.GetTimestamp();
                var metrics = RunEpoch(epoch, last, batches, progress, start);
                _trainer.CompletedEpochs = epoch;
                History.Add(metrics);
                if (metrics.ValidationLoss is double loss && loss < _bestLoss - options.MinDelta)
                {
                    _bestLoss = loss;
                    History.BestEpoch = epoch;
                    sinceBest = 0;
                    if (options.Patience is not null && options.RestoreBestParameters)
                    {
                        _best ??= new float[_trainer.Model.Parameters.Count];
                        _bestState ??= new float[_trainer.Model.Parameters.StateCount];
                        _trainer.Model.Parameters.Values.CopyTo(_best);
                        _trainer.Model.Parameters.State.CopyTo(_bestState);
                        _bestSavedEpoch = epoch;
                    }
                }
                else
                {
                    sinceBest++;
                }

                progress.Report(new TrainingProgress
                {
                    Kind = TrainingProgressKind.EpochCompleted, Epoch = epoch, LastEpoch = last, BatchCount = batches, Metrics = metrics,
                });
                _trainer.EpochCompleted?.Invoke(_trainer, metrics);
                if (options.CheckpointPath is string path)
                {
                    _trainer.SaveCheckpoint(path);
                }

                if (options.Patience is int patience && sinceBest >= patience && epoch < last)
                {
                    History.StoppedEarly = true;
                    Note(progress, epoch, Invariant(
                        $"early stopping after epoch {epoch}: no lower validation loss for {patience} epoch{(patience == 1 ? "" : "s")}"));
                    break;
                }

                if (_trainer._stopRequested)
                {
                    Note(progress, epoch, Invariant($"stopped on request after epoch {epoch}"));
                    break;
                }
            }

            if (_best is not null && _bestSavedEpoch != _trainer.CompletedEpochs)
            {
                _best.CopyTo(_trainer.Model.Parameters.Values);
                _bestState!.CopyTo(_trainer.Model.Parameters.State);
                History.RestoredEpoch = _bestSavedEpoch;
                Note(progress, _trainer.CompletedEpochs, Invariant(
                    $"restored the parameters of epoch {_bestSavedEpoch} (validation loss {_bestLoss:F4})"));
                if (options.CheckpointPath is string path)
                {
                    _trainer.SaveCheckpoint(path);
                }
            }
        }

        private void Note(IProgress<TrainingProgress> progress, int epoch, string text) =>
            progress.Report(new TrainingProgress { Kind = TrainingProgressKind.Message, Epoch = epoch, LastEpoch = LastEpoch, BatchCount = BatchCount, Message = text });

        private EpochMetrics RunEpoch(int epoch, int lastEpoch, int batches, IProgress<TrainingProgress> progress, long start)
        {
            var options = _trainer._options;
            var model = _trainer.Model;
            var optimizer = _trainer.Optimizer;
            int featureCount = _train.FeatureCount;
            bool countCorrect = options.MeasureTrainingAccuracy && _train.IsClassification;
            FillOrder(_order, options.Shuffle, options.Seed, epoch);
            progress.Report(new TrainingProgress { Kind = TrainingProgressKind.EpochStarted, Epoch = epoch, LastEpoch = lastEpoch, BatchCount = batches });

            double lossSum = 0;
            long correct = 0;
            int samples = 0;
            int done = 0;
            float learningRate = optimizer.CurrentLearningRate;
            for (int batch = 0; batch < batches; batch++)
            {
                int rows = Math.Min(_batchSize, _train.Count - batch * _batchSize);
                var indices = new ReadOnlySpan<int>(_order, batch * _batchSize, rows);
                var inputs = new Mat(_features, 0, rows, featureCount);
                BatchTargets targets;
                if (_labels is not null)
                {
                    _train.CopyBatch(indices, _features, _labels);
                    targets = new BatchTargets(_labels, 0, rows);
                }
                else
                {
                    _train.CopyBatch(indices, _features, _targets);
                    targets = new BatchTargets(new Mat(_targets!, 0, rows, _train.TargetCount));
                }

                options.Augmentation?.Augment(inputs, indices, epoch);

                // Before the step, which may update the parameters as the backward pass runs.
                if (countCorrect)
                {
                    int count = CountCorrect(model, inputs, targets);
                    if (count < 0)
                    {
                        countCorrect = false;
                    }
                    else
                    {
                        correct += count;
                    }
                }

                learningRate = optimizer.CurrentLearningRate;
                float loss = _trainer.TakeStep(inputs, targets, epoch, batch + 1, History);
                lossSum += (double)loss * rows;
                samples += rows;
                done++;

                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                var report = new BatchProgress(epoch, batch + 1, batches, rows, loss, lossSum / samples, optimizer.StepCount,
                    seconds > 0 ? samples / seconds : 0);
                progress.Report(new TrainingProgress
                {
                    Kind = TrainingProgressKind.BatchCompleted, Epoch = epoch, LastEpoch = lastEpoch, BatchCount = batches, Batch = report,
                });
                _trainer.BatchCompleted?.Invoke(_trainer, report);
                if (_trainer._stopRequested)
                {
                    break;
                }
            }

            double trainSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Evaluation? validation = _validation is null
                ? null
                : Evaluate(model, _validation, options.EvaluationBatchSize > 0 ? options.EvaluationBatchSize : _batchSize);
            return new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = lossSum / samples,
                TrainAccuracy = countCorrect ? (double)correct / samples : null,
                ValidationLoss = validation?.Loss,
                ValidationAccuracy = validation?.Accuracy,
                Samples = samples,
                Batches = done,
                SamplesPerSecond = trainSeconds > 0 ? samples / trainSeconds : 0,
                Duration = Stopwatch.GetElapsedTime(start),
                LearningRate = learningRate,
            };
        }

        internal int BatchCount => (_train.Count + _batchSize - 1) / _batchSize;

        internal string Describe()
        {
            int first = _trainer.CompletedEpochs + 1;
            int last = _trainer.CompletedEpochs + _epochs;
            int batches = BatchCount;
            string text = Invariant(
                $"training on {_train.Count:N0} rows, {batches} batches of {_batchSize} per epoch, epochs {first}–{last}, {_trainer.Optimizer}");
            return _validation is null ? text : text + Invariant($"; validating on {_validation.Count:N0} rows");
        }

        private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Epoch e's order depends only on (seed, e): a resumed run shuffles exactly as an uninterrupted one.
        private static void FillOrder(int[] order, bool shuffle, int seed, int epoch)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (!shuffle)
            {
                return;
            }

            ulong state = ((ulong)(uint)seed << 32 | (uint)epoch) * 0xD1B54A32D192ED03UL;
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = (int)(((UInt128)NextBits(ref state) * (ulong)(i + 1)) >> 64);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        // SplitMix64 step.
        private static ulong NextBits(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
