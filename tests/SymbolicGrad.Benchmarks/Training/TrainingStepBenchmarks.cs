using BenchmarkDotNet.Attributes;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// One full training step — zero the gradients, the batched gradient, a momentum-SGD update — of a ReLU MLP with
/// softmax cross-entropy on one thread: the generated <c>LossGradientBatch</c> against the hand-written δ-recursion
/// (<see cref="HandWrittenMlp"/>) on the same kernels. Each method works on its own copy of the model.
/// </summary>
[Config(typeof(TrainingStepConfig))]
public abstract class TrainingStepBenchmarks
{
    private const int PoolSamples = 4096;
    private const float LearningRate = 0.01f;
    private const float MomentumBeta = 0.9f;

    private TrainingData _data = null!;
    private Model _generated = null!;
    private Model _handModel = null!;
    private HandWrittenMlp _hand = null!;
    private Momentum _generatedOptimizer = null!;
    private Momentum _handOptimizer = null!;

    /// <summary>Samples per step.</summary>
    public abstract int Batch { get; set; }

    /// <summary>The layer widths, e.g. "784-128-10".</summary>
    public abstract string Network { get; }

    /// <summary>A new model with fixed initial parameters (two calls give identical models).</summary>
    private protected abstract Model CreateModel();

    /// <summary>The model's generated <c>LossGradientBatch</c>.</summary>
    private protected abstract float GeneratedGradient(Model model, Mat x, ReadOnlySpan<int> labels);

    /// <summary>The user's per-sample <c>Loss</c>, called directly.</summary>
    private protected abstract float UserLoss(Model model, Vec x, int label);

    /// <summary>The model's (weight, bias) layers in order.</summary>
    private protected abstract (Mat Weight, Vec Bias)[] Layers(Model model);

    [GlobalSetup]
    public void Setup()
    {
        _data = new TrainingData(PoolSamples, seed: 11);
        _generated = CreateModel();
        _handModel = CreateModel();
        _hand = new HandWrittenMlp(_handModel.Parameters, Layers(_handModel), Batch);
        var x = _data.Batch(0, Batch, out var labels);
        string agreement = GradientAgreement.Check(
            _generated, (xs, ls) => GeneratedGradient(_generated, xs, ls), _handModel, _hand,
            (xs, l) => UserLoss(_generated, xs, l), x, labels, Network);
        Console.WriteLine("// Gradient check: " + agreement);
        _generatedOptimizer = new Momentum(LearningRate, MomentumBeta);
        _handOptimizer = new Momentum(LearningRate, MomentumBeta);

        // The first step allocates the optimizers' velocity and the generated workspace; keep that out of the measurements.
        Generated();
        HandWritten();
    }

    /// <summary>The classic hand-written back-propagation.</summary>
    [Benchmark(Baseline = true)]
    public float HandWritten()
    {
        var x = _data.Next(Batch, out var labels);
        var parameters = _handModel.Parameters;
        parameters.ZeroGradients();
        float loss = _hand.GradientBatch(x, labels);
        _handOptimizer.Step(parameters.Values, parameters.Gradients);
        return loss;
    }

    /// <summary>The generated batched gradient.</summary>
    [Benchmark]
    public float Generated()
    {
        var x = _data.Next(Batch, out var labels);
        var parameters = _generated.Parameters;
        parameters.ZeroGradients();
        float loss = GeneratedGradient(_generated, x, labels);
        _generatedOptimizer.Step(parameters.Values, parameters.Gradients);
        return loss;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // A diverged run (NaN/∞ parameters) would time different arithmetic than training does; say so.
        foreach (var (name, model) in new[] { ("generated", _generated), ("hand-written", _handModel) })
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
