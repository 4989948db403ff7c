using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// One full training step — zero the gradients, the batched gradient, a momentum-SGD update — of a ReLU MLP with
/// softmax cross-entropy on one thread: the generated <c>LossGradientBatch</c> against the hand-written δ-recursion
/// (<see cref="HandWrittenMlp"/>) on the same kernels. Each method works on its own copy of the model.
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
    private Momentum _generatedOptimizer = null!;
    private Momentum _handOptimizer = null!;

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
        _generatedOptimizer = new Momentum(LearningRate, MomentumBeta);
        _handOptimizer = new Momentum(LearningRate, MomentumBeta);

        // The first step allocates the optimizers' velocity and the generated workspace; keep that out of the measurements.
        Generated();
        HandWritten();
        WarmUpOthers();
    }

    /// <summary>Sets up the steps a subclass adds, before any step has run (the first batch is given for checks).</summary>
    private protected virtual void SetUpOthers(Mat x, ReadOnlySpan<int> labels)
    {
    }

    /// <summary>Runs the steps a subclass adds once, like the first steps of the generated and hand-written ones.</summary>
    private protected virtual void WarmUpOthers()
    {
    }

    /// <summary>The classic hand-written back-propagation.</summary>
    [Benchmark(Baseline = true)]
    public float HandWritten()
    {
        var x = Data.Next(Batch, out var labels);
        var parameters = HandModel.Parameters;
        parameters.ZeroGradients();
        float loss = Hand.GradientBatch(x, labels);
        _handOptimizer.Step(parameters.Values, parameters.Gradients);
        return loss;
    }

    /// <summary>The generated batched gradient.</summary>
    [Benchmark]
    public float Generated()
    {
        var x = Data.Next(Batch, out var labels);
        var parameters = _generated.Parameters;
        parameters.ZeroGradients();
        float loss = Model.GeneratedGradient(_generated, x, labels);
        _generatedOptimizer.Step(parameters.Values, parameters.Gradients);
        return loss;
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
