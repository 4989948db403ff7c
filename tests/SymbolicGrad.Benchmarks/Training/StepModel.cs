namespace SymbolicGrad.Benchmarks.Training;

/// <summary>What the step benchmarks call on a model: its generated batched gradient, the user's method, its layers.</summary>
internal interface IStepMlp
{
    /// <summary>The generated batched gradient (adds into the gradients, returns the mean loss).</summary>
    float LossGradientBatch(Mat x, ReadOnlySpan<int> label);

    /// <summary>The user's per-sample loss, as written.</summary>
    float Loss(Vec x, int label);

    /// <summary>The (weight, bias) layers in order, for the hand-written backprop.</summary>
    (Mat Weight, Vec Bias)[] Layers { get; }
}

/// <summary>A benchmarked network: its name and how to build it with fixed initial parameters.</summary>
internal sealed class StepModel(string network, Func<Model> create)
{
    /// <summary>The 784-128-10 MLP (the north-star DigitNet).</summary>
    public static readonly StepModel Small = new("784-128-10", () => new SmallMlp(seed: 3));

    /// <summary>The 784-512-512-10 MLP.</summary>
    public static readonly StepModel Deep = new("784-512-512-10", () => new DeepMlp(seed: 3));

    /// <summary>The layer widths, e.g. "784-128-10".</summary>
    public string Network => network;

    /// <summary>A new model (two calls give identical models).</summary>
    public Model Create() => create();

    /// <summary>The model's generated <c>LossGradientBatch</c>.</summary>
    public float GeneratedGradient(Model model, Mat x, ReadOnlySpan<int> labels) => ((IStepMlp)model).LossGradientBatch(x, labels);

    /// <summary>The user's per-sample <c>Loss</c>, called directly.</summary>
    public float UserLoss(Model model, Vec x, int label) => ((IStepMlp)model).Loss(x, label);

    /// <summary>The model's (weight, bias) layers in order.</summary>
    public (Mat Weight, Vec Bias)[] Layers(Model model) => ((IStepMlp)model).Layers;
}
