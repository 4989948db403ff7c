using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// One full training step of a ReLU MLP with softmax cross-entropy, as <see cref="Trainer.Step"/> takes it (the
/// batched gradient, its finiteness check and a momentum-SGD update applied inside the backward pass): the generated
/// <c>LossGradientBatch</c> against the hand-written δ-recursion (<see cref="HandWrittenMlp"/>) on the same kernels
/// and the same store. Each method works on its own copy of the model. Threads: <see cref="Parallelism.MaxThreads"/>
/// (every core), except with the thread CPU clock, which counts one thread only and so runs everything on one.
/// </summary>
/// <remarks>The concrete classes choose the network, the batch sizes and the BenchmarkDotNet config.</remarks>
public abstract class TrainingStepBenchmarks
{
    private const int PoolSamples = 4096;

    /// <summary>The learning rate α of the momentum update.</summary>
    private protected const float LearningRate = 0.01f;

    /// <summary>The momentum β.</summary>
    private protected const float MomentumBeta = 0.9f;

    private Model _generated = null!;
    private Trainer _generatedTrainer = null!;
    private Trainer _handTrainer = null!;
    private Momentum _generatedMomentum = null!;
    private Momentum _handMomentum = null!;

    /// <summary>Samples per step.</summary>
    public abstract int Batch { get; set; }

    /// <summary>The layer widths, e.g. "784-128-10".</summary>
    public string Network => Model.Network;

    /// <summary>The network benchmarked.</summary>
    private protected abstract StepModel Model { get; }

    /// <summary>The pool of samples the steps read, batch after batch.</summary>
    private protected TrainingData Data { get; private set; } = null!;

    /// <summary>The hand-written step's model.</summary>
    private protected Model HandModel { get; private set; } = null!;

    /// <summary>The hand-written back-propagation over <see cref="HandModel"/>.</summary>
    private protected HandWrittenMlp Hand { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = TrainingStepConfig.Threads;
        Data = new TrainingData(PoolSamples, seed: 11);
        _generated = Model.Create();
        HandModel = Model.Create();
        Hand = new HandWrittenMlp(HandModel.Parameters, Model.Layers(HandModel), Batch);
        var x = Data.Batch(0, Batch, out var labels);
        string agreement = GradientAgreement.Check(
            _generated, (xs, ls) => Model.GeneratedGradient(_generated, xs, ls), HandModel, Hand,
            (xs, l) => Model.UserLoss(_generated, xs, l), x, labels, Network);
        Console.WriteLine("// Gradient check: " + agreement);
        SetUpOthers(x, labels);
        var options = new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = FusedUpdate };
        _generatedMomentum = new Momentum(LearningRate, MomentumBeta);
        _handMomentum = new Momentum(LearningRate, MomentumBeta);
        _generatedTrainer = new Trainer((ITrainable)_generated, _generatedMomentum, options);
        _handTrainer = new Trainer(new HandWrittenTrainable(HandModel, Hand), _handMomentum, options);

        // The first step allocates the optimizers' velocity and the generated workspace; keep that out of the measurements.
        Generated();
        HandWritten();
        WarmUpOthers();
    }

    /// <summary>
    /// Whether the steps apply the momentum update inside the backward pass (the trainer's default); false times
    /// zeroing the gradients, the gradient, then <c>Momentum.Step</c> over the whole buffer.
    /// </summary>
    public bool FusedUpdate { get; set; } = true;

    /// <summary>Sets up the steps a subclass adds, before any step has run (the first batch is given for checks).</summary>
    private protected virtual void SetUpOthers(Mat x, ReadOnlySpan<int> labels)
    {
    }

    /// <summary>Runs the steps a subclass adds once, like the first steps of the generated and hand-written ones.</summary>
    private protected virtual void WarmUpOthers()
    {
    }

    /// <summary>The classic hand-written back-propagation, one trainer step.</summary>
    [Benchmark(Baseline = true)]
    public float HandWritten()
    {
        var x = Data.Next(Batch, out BatchTargets targets);
        return _handTrainer.Step(x, targets);
    }

    /// <summary>The generated batched gradient, one trainer step.</summary>
    [Benchmark]
    public float Generated()
    {
        var x = Data.Next(Batch, out BatchTargets targets);
        return _generatedTrainer.Step(x, targets);
    }

    /// <summary>
    /// Where the arrays the step streams through start, as byte offsets modulo 64 (a cache line): each model's parameter
    /// values and its momentum velocity. A 32-byte vector load that straddles two lines costs more, so two copies of the
    /// same step can differ by their placement alone.
    /// </summary>
    internal string Placement()
    {
        var generatedW1 = Model.Layers(_generated)[0].Weight;
        var handW1 = Model.Layers(HandModel)[0].Weight;
        return $"generated: W1 {LineOffset(generatedW1.Array, generatedW1.Offset)}, velocity {LineOffset(_generatedMomentum.CheckpointState[0], 0)}; " +
            $"hand-written: W1 {LineOffset(handW1.Array, handW1.Offset)}, velocity {LineOffset(_handMomentum.CheckpointState[0], 0)} (bytes past a 64-byte line)";
    }

    /// <summary>The buffers the subnormal census reads: each model's parameters and gradients, and its velocity.</summary>
    internal (ParameterStore Generated, float[] GeneratedVelocity, ParameterStore Hand, float[] HandVelocity) State =>
        (_generated.Parameters, _generatedMomentum.CheckpointState[0], HandModel.Parameters, _handMomentum.CheckpointState[0]);

    /// <summary>The hand-written step's activations a_l and deltas δ_l (the generated step's workspace is not public).</summary>
    internal (float[][] Activations, float[][] Deltas) HandBuffers => Hand.Buffers;

    internal static long LineOffset(float[] array, int offset)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(array, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            return (handle.AddrOfPinnedObject() + offset * sizeof(float)) % 64;
        }
        finally
        {
            handle.Free();
        }
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
        // A diverged run (NaN/∞ parameters) would time different arithmetic than training does; say so.
        foreach (var (name, model) in new[] { ("generated", _generated), ("hand-written", HandModel) })
        {
            foreach (float v in model.Parameters.Values)
            {
                if (!float.IsFinite(v))
                {
                    Console.WriteLine($"// WARNING: the {name} model's parameters are not finite after the run.");
                    break;
                }
            }
        }
    }
}
