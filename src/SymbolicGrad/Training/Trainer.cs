using System.Diagnostics;

namespace SymbolicGrad;

/// <summary>
/// Trains an <see cref="ITrainable"/> model with minibatch gradient descent: every epoch shuffles the training rows
/// (seeded), and for each minibatch zeroes the gradients, computes the batch's mean loss and its gradient, checks both
/// are finite, and lets the optimizer step. Measures per-epoch metrics, evaluates validation data, stops early, reports
/// progress (<see cref="TrainerOptions.Progress"/>), and writes checkpoints.
/// </summary>
/// <remarks>
/// <para>After the first step (which may let the model and optimizer allocate their workspaces), a training step
/// allocates nothing; per epoch only the metrics record and progress text are allocated.</para>
/// <para>Training is deterministic: the same model initialization, optimizer, data and <see cref="TrainerOptions.Seed"/>
/// give bit-identical parameters. The shuffle of epoch e depends only on the seed and e, so training resumed from a
/// checkpoint (<see cref="ResumeFrom"/>) continues exactly as an uninterrupted run would.</para>
/// </remarks>
public sealed partial class Trainer
{
    private readonly TrainerOptions _options;
    private readonly SmallSplitTuner _smallSplit = new();
    private volatile bool _stopRequested;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">The optimizer updating the model's parameters.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public Trainer(ITrainable model, IOptimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Optimizer = optimizer;
        _options = options ?? new TrainerOptions();
    }

    /// <summary>The model being trained.</summary>
    public ITrainable Model { get; }

    /// <summary>The optimizer.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The settings.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Epochs completed so far (over all <see cref="Fit"/> calls, and counted on from a resumed checkpoint).</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>Raised after every optimizer step. Handlers run on the training thread; keep them allocation-free to keep training so.</summary>
    public event EventHandler<BatchProgress>? BatchCompleted;

    /// <summary>Raised after every epoch, with its metrics (validation included).</summary>
    public event EventHandler<EpochMetrics>? EpochCompleted;

    /// <summary>Asks the running <see cref="Fit"/> to stop after the current batch; the partial epoch is still evaluated and recorded.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>
    /// Trains for <paramref name="epochs"/> more epochs on <paramref name="train"/> in minibatches of
    /// <paramref name="batchSize"/> rows (the last batch of an epoch may be smaller). Puts the model in training mode
    /// (<see cref="SymbolicGrad.Model.Training"/>), where it stays afterwards; the validation after each epoch and
    /// the training-accuracy counts run in evaluation mode.
    /// </summary>
    /// <param name="train">The training data.</param>
    /// <param name="epochs">Number of epochs to run (fewer when early stopping or <see cref="RequestStop"/> ends training).</param>
    /// <param name="batchSize">Rows per minibatch.</param>
    /// <param name="validation">
    /// Validation data evaluated after every epoch; when null and <see cref="TrainerOptions.ValidationFraction"/> is
    /// positive, that share of <paramref name="train"/> is held out instead.
    /// </param>
    /// <returns>The learning curves of the epochs run.</returns>
    /// <exception cref="ArgumentException">The data do not fit each other, or an argument is out of range.</exception>
    /// <exception cref="InvalidOperationException">Early stopping is on but there is no validation data.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient was NaN or infinite; the parameters are those of the last good step.</exception>
    public TrainingHistory Fit(Dataset train, int epochs, int batchSize, Dataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(train));
        }

        if (validation is null && _options.ValidationFraction > 0)
        {
            (train, validation) = train.Split(_options.ValidationFraction, _options.Seed);
        }

        if (validation is not null)
        {
            CheckCompatible(train, validation);
        }

        if (_options.Patience is not null && validation is null)
        {
            throw new InvalidOperationException(
                "Early stopping (TrainerOptions.Patience) needs validation data: pass a validation set to Fit or set TrainerOptions.ValidationFraction.");
        }

        Model.Parameters.Training = true; // as PyTorch's model.train(); evaluations below switch to evaluation mode and back
        var run = new FitRun(this, train, validation, epochs, batchSize);
        var progress = _options.Progress ?? new TextProgress(Console.Out);
        _stopRequested = false;
        long start = Stopwatch.GetTimestamp();
        try
        {
            progress.Report(new TrainingProgress
            {
                Kind = TrainingProgressKind.FitStarted,
                Epoch = CompletedEpochs + 1,
                LastEpoch = CompletedEpochs + epochs,
                BatchCount = run.BatchCount,
                Message = run.Describe(),
            });
            run.Execute(progress);
        }
        finally
        {
            run.History.Duration = Stopwatch.GetElapsedTime(start);
            progress.Report(new TrainingProgress { Kind = TrainingProgressKind.FitEnded, Epoch = CompletedEpochs, LastEpoch = run.LastEpoch, BatchCount = run.BatchCount });
        }

        return run.History;
    }

    /// <summary>
    /// Mean loss (and accuracy for a classifier) of the model on <paramref name="data"/>, in evaluation mode
    /// (<see cref="SymbolicGrad.Model.Training"/> false, restored afterwards); changes nothing.
    /// </summary>
    /// <param name="data">The rows to evaluate.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public Evaluation Evaluate(Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Evaluate(Model, data, batchSize);
    }

    /// <summary>
    /// Loads the parameters, the optimizer's state (when saved) and the epoch count from a checkpoint, so the next
    /// <see cref="Fit"/> continues where the saved training stopped.
    /// </summary>
    /// <param name="path">A checkpoint written by <see cref="SaveCheckpoint"/> or <see cref="TrainerOptions.CheckpointPath"/>.</param>
    /// <returns>What the checkpoint held.</returns>
    /// <exception cref="InvalidDataException">The checkpoint is refused (corrupt, truncated, mismatched); nothing was changed.</exception>
    public CheckpointInfo ResumeFrom(string path)
    {
        var info = Checkpoint.Load(Model, path, Optimizer);
        CompletedEpochs = info.CompletedEpochs;
        return info;
    }

    /// <summary>Writes the parameters, the optimizer's state and the epoch count atomically to <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file; replaced if it exists.</param>
    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(Model, path, Optimizer as Optimizer, CompletedEpochs);

    /// <summary>
    /// One optimizer step on one minibatch, as <see cref="Fit"/> takes each: the gradient of the batch's mean loss,
    /// checked finite, then the optimizer's update (applied inside the backward pass when
    /// <see cref="TrainerOptions.FusedUpdate"/> allows). For training loops of one's own; no progress or events.
    /// </summary>
    /// <param name="inputs">One example per row.</param>
    /// <param name="targets">One label or target row per input row.</param>
    /// <returns>The batch's mean loss, before the update.</returns>
    /// <exception cref="TrainingDivergedException">
    /// The loss or the gradient is not finite; nothing was updated. Its <see cref="TrainingDivergedException.Batch"/> is 0.
    /// </exception>
    /// <exception cref="InvalidOperationException">Another thread is in a step of this model (this Trainer or another); nothing was changed.</exception>
    public float Step(Mat inputs, in BatchTargets targets)
    {
        if (targets.Count != inputs.Rows)
        {
            throw new ArgumentException($"Trainer.Step: {inputs.Rows} input rows but {targets.Count} targets.", nameof(targets));
        }

        return TakeStep(inputs, targets, CompletedEpochs + 1, 0, null);
    }

    /// <summary>
    /// True when a step applies the optimizer's update inside the backward pass (see <see cref="TrainerOptions.FusedUpdate"/>):
    /// the option is on, the model supports it and the optimizer is SGD, momentum or Nesterov without clipping or penalties.
    /// </summary>
    public bool UsesFusedUpdate => _options.FusedUpdate && Model.SupportsFusedUpdate && Optimizer is Optimizer { CanFuse: true };

    /// <summary>
    /// One optimizer step on one minibatch, as <see cref="Fit"/> takes it: the gradient of the batch's mean loss, checked
    /// finite, then the update (fused into the backward pass when <see cref="UsesFusedUpdate"/>). Returns the mean loss.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient is not finite; nothing was updated.</exception>
    internal float TakeStep(Mat inputs, in BatchTargets targets, int epoch, int batch, TrainingHistory? history)
    {
        var store = Model.Parameters;
        // Two steps at once would interleave two updates of one set of parameters (and of the optimizer's state).
        store.BeginStep("Trainer");
        bool? outer = SmallSplit.Choice;
        bool tune = KernelSwitches.TuneSmallSplit && outer is null;
        try
        {
            if (!tune)
            {
                return TakeStepAlone(store, inputs, targets, epoch, batch, history);
            }

            // The small passes split or not as the tuner says (the same results either way), timed for it.
            SmallSplit.Choice = _smallSplit.NextSplits;
            SmallSplit.TakeMattered();
            long start = Stopwatch.GetTimestamp();
            float loss = TakeStepAlone(store, inputs, targets, epoch, batch, history);
            _smallSplit.Record(Stopwatch.GetTimestamp() - start, SmallSplit.TakeMattered());
            return loss;
        }
        finally
        {
            SmallSplit.Choice = outer;
            store.EndStep();
        }
    }

    /// <summary>This trainer's choice of splitting the small passes of its steps (for tests and benchmarks).</summary>
    internal SmallSplitTuner SmallSplitTuning => _smallSplit;

    private float TakeStepAlone(ParameterStore store, Mat inputs, in BatchTargets targets, int epoch, int batch, TrainingHistory? history)
    {
        // An optimizer's state is one model's: the Trainers of two models sharing it would mix their updates.
        (Optimizer as Optimizer)?.Claim(store, Model);
        if (UsesFusedUpdate)
        {
            var optimizer = (Optimizer)Optimizer;
            store.BeginFusedStep(optimizer.BeginFusedStep(store.Count));
            try
            {
                float fusedLoss = Model.BatchLoss(inputs, targets, accumulateGradient: true);
                CheckLoss(fusedLoss, epoch, batch, history);
                int bad = store.CheckFusedStep();
                if (bad >= 0)
                {
                    throw Diverged(store, bad, fusedLoss, epoch, batch, history);
                }

                store.ApplyFusedStep();
                optimizer.EndFusedStep();
                return fusedLoss;
            }
            finally
            {
                store.EndFusedStep();
            }
        }

        store.ZeroGradients();
        float loss = Model.BatchLoss(inputs, targets, accumulateGradient: true);
        CheckLoss(loss, epoch, batch, history);
        var gradients = store.Gradients;
        if (!FiniteCheck.AllFinite(gradients))
        {
            throw Diverged(store, FiniteCheck.FirstNonFinite(gradients), loss, epoch, batch, history);
        }

        Optimizer.Step(store.Values, gradients);
        return loss;
    }

    private static void CheckLoss(float loss, int epoch, int batch, TrainingHistory? history)
    {
        if (!float.IsFinite(loss))
        {
            throw new TrainingDivergedException(epoch, batch, loss, $"the loss is {Show(loss)}", history ?? new TrainingHistory());
        }
    }

    private static TrainingDivergedException Diverged(ParameterStore store, int bad, float loss, int epoch, int batch, TrainingHistory? history) =>
        new(epoch, batch, loss, $"the gradient of {FiniteCheck.NameOf(store, bad)} is {Show(store.Gradients[bad])}", history ?? new TrainingHistory());

    private static string Show(float value) =>
        float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "+∞" : float.IsNegativeInfinity(value) ? "−∞" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static Evaluation Evaluate(ITrainable model, Dataset data, int batchSize)
    {
        var store = model.Parameters;
        // Another thread's step would see the mode switched, and two evaluations at once could restore the wrong mode.
        bool began = store.BeginStepUnlessHeld("Trainer.Evaluate");
        bool training = store.Training;
        try
        {
            store.Training = false;
            return EvaluateInEvaluationMode(model, data, batchSize);
        }
        finally
        {
            store.Training = training;
            if (began) store.EndStep();
        }
    }

    /// <summary>Counts a batch's correct predictions in evaluation mode (so batch norm does not update its statistics twice a step).</summary>
    internal static int CountCorrect(ITrainable model, Mat inputs, in BatchTargets targets)
    {
        var store = model.Parameters;
        bool began = store.BeginStepUnlessHeld("Trainer");
        bool training = store.Training;
        try
        {
            store.Training = false;
            return model.CountCorrect(inputs, targets);
        }
        finally
        {
            store.Training = training;
            if (began) store.EndStep();
        }
    }

    private static Evaluation EvaluateInEvaluationMode(ITrainable model, Dataset data, int batchSize)
    {
        int featureCount = data.FeatureCount;
        double lossSum = 0;
        long correct = 0;
        bool classifier = data.IsClassification;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, data.Count - start);
            var inputs = new Mat(data.Features, start * featureCount, rows, featureCount);
            var targets = data.Labels is int[] labels
                ? new BatchTargets(labels, start, rows)
                : new BatchTargets(new Mat(data.Targets!, start * data.TargetCount, rows, data.TargetCount));
            lossSum += (double)model.BatchLoss(inputs, targets, accumulateGradient: false) * rows;
            if (classifier)
            {
                int count = model.CountCorrect(inputs, targets);
                if (count < 0)
                {
                    classifier = false;
                }
                else
                {
                    correct += count;
                }
            }
        }

        return new Evaluation(lossSum / data.Count, classifier ? (double)correct / data.Count : null, data.Count);
    }

    private static void CheckCompatible(Dataset train, Dataset validation)
    {
        if (validation.FeatureCount != train.FeatureCount)
        {
            throw new ArgumentException(
                $"The validation set has {validation.FeatureCount} features per row but the training set has {train.FeatureCount}.", nameof(validation));
        }

        if (validation.IsClassification != train.IsClassification || validation.TargetCount != train.TargetCount)
        {
            throw new ArgumentException(
                "The validation set must be of the same kind as the training set (both class labels, or both the same number of regression targets).", nameof(validation));
        }

        if (validation.Count == 0)
        {
            throw new ArgumentException("The validation set is empty.", nameof(validation));
        }
    }
}
