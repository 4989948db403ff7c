namespace SymbolicGrad;

/// <summary>
/// A batch-normalization layer over <see cref="Features"/> features (or image channels), from
/// <see cref="ParameterStore.BatchNorm"/>: trainable scale γ (<see cref="Gamma"/>, starts at 1) and shift β
/// (<see cref="Beta"/>, starts at 0) in the parameter store, and running statistics (<see cref="RunningMean"/> from 0,
/// <see cref="RunningVariance"/> from 1) in its non-trainable <see cref="ParameterStore.State"/>. Apply it with
/// <see cref="Ops.BatchNorm(Vec, BatchNorm)"/>.
/// </summary>
/// <remarks>
/// PyTorch's semantics, to the formula: in training mode, <c>y = γ·(x − μ_B)/√(σ²_B + ε) + β</c> with the batch
/// mean μ_B and the biased batch variance σ²_B, and the running statistics become
/// <c>(1 − momentum)·running + momentum·batch</c> with the unbiased batch variance; in evaluation mode the running
/// statistics replace the batch's.
/// </remarks>
public sealed class BatchNorm
{
    internal BatchNorm(ParameterStore store, LayerName naming, int features, float momentum, float epsilon)
    {
        const string where = "Parameters.BatchNorm";
        Store = store;
        Naming = naming;
        Features = features;
        Momentum = momentum;
        Epsilon = epsilon;
        Gamma = store.LayerVector(features, naming, nameof(Gamma), where);
        Gamma.Span.Fill(1f);
        Beta = store.LayerVector(features, naming, nameof(Beta), where);
        RunningMean = store.StateVector(features, 0f, naming, nameof(RunningMean), where);
        RunningVariance = store.StateVector(features, 1f, naming, nameof(RunningVariance), where);
    }

    /// <summary>Number of features normalized (the length of a vector input, the channels of an image input).</summary>
    public int Features { get; }

    /// <summary>The scale γ, one per feature; trainable, 1 at the start.</summary>
    public Vec Gamma { get; }

    /// <summary>The shift β, one per feature; trainable, 0 at the start.</summary>
    public Vec Beta { get; }

    /// <summary>The running mean, one per feature (0 at the start); updated in training mode, used in evaluation mode.</summary>
    public Vec RunningMean { get; }

    /// <summary>The running (unbiased) variance, one per feature (1 at the start); updated in training mode, used in evaluation mode.</summary>
    public Vec RunningVariance { get; }

    /// <summary>The weight of a batch's statistics in the running ones (PyTorch's momentum, 0.1 by default).</summary>
    public float Momentum { get; }

    /// <summary>The ε added to the variance (1e-5 by default).</summary>
    public float Epsilon { get; }

    /// <summary>The mode of the model owning the layer (<see cref="Model.Training"/>).</summary>
    public bool Training => Store.Training;

    /// <summary>The layer's name in the layouts: the name given, else the model field holding it, else <c>p</c> + an index.</summary>
    public string Name
    {
        get
        {
            _ = Store.Layout; // names the layer after its field
            return Naming.Name;
        }
    }

    internal ParameterStore Store { get; }

    internal LayerName Naming { get; }

    /// <summary>The layer as text, e.g. <c>bn1: BatchNorm(64)</c>.</summary>
    public override string ToString() => $"{Name}: BatchNorm({Features})";
}
