namespace SymbolicGrad;

/// <summary>One entry of a checkpoint's shape table.</summary>
/// <param name="Name">The parameter's name (from <see cref="ParameterStore.Layout"/>).</param>
/// <param name="Rows">Rows of a matrix; 1 for a vector.</param>
/// <param name="Cols">Columns of a matrix; the length of a vector.</param>
/// <param name="IsMatrix">True for a matrix parameter.</param>
public sealed record CheckpointTensor(string Name, int Rows, int Cols, bool IsMatrix)
{
    /// <summary>The shape as text, e.g. <c>Mat[128×784]</c> or <c>Vec[10]</c>.</summary>
    public string Shape => IsMatrix ? $"Mat[{Rows}×{Cols}]" : $"Vec[{Cols}]";
}

/// <summary>What a checkpoint file holds, as read from its header and shape table.</summary>
public sealed class CheckpointInfo
{
    internal CheckpointInfo(string path, int version, int completedEpochs, int parameterCount, IReadOnlyList<CheckpointTensor> tensors,
        string? optimizerType, long optimizerStep)
    {
        Path = path;
        Version = version;
        CompletedEpochs = completedEpochs;
        ParameterCount = parameterCount;
        Tensors = tensors;
        OptimizerType = optimizerType;
        OptimizerStep = optimizerStep;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The format version of the file.</summary>
    public int Version { get; }

    /// <summary>Epochs of training the checkpoint had completed when saved (0 when not saved by a trainer).</summary>
    public int CompletedEpochs { get; }

    /// <summary>Total number of parameter elements.</summary>
    public int ParameterCount { get; }

    /// <summary>The shape table: every parameter in layout order.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors { get; }

    /// <summary>Whether the file holds optimizer state (so training can resume exactly).</summary>
    public bool HasOptimizerState => OptimizerType is not null;

    /// <summary>The full type name of the optimizer whose state is saved, or null.</summary>
    public string? OptimizerType { get; }

    /// <summary>The optimizer's step count when saved (0 without optimizer state).</summary>
    public long OptimizerStep { get; }

    /// <summary>The non-trainable state table (e.g. batch-norm running statistics), in <see cref="ParameterStore.StateLayout"/> order; empty in version 1.</summary>
    public IReadOnlyList<CheckpointTensor> StateTensors { get; internal init; } = [];

    /// <summary>Total number of state elements.</summary>
    public int StateCount { get; internal init; }

    /// <summary>The model's <see cref="Model.Training"/> when saved; null for a version-1 file, which did not record it.</summary>
    public bool? Training { get; internal init; }

    /// <summary>The model's <see cref="Model.RandomSeed"/> when saved (0 in version 1).</summary>
    public long RandomSeed { get; internal init; }

    /// <summary>The model's <see cref="Model.RandomStep"/> when saved (0 in version 1).</summary>
    public long RandomStep { get; internal init; }

    /// <summary>
    /// A one-line description, e.g. <c>4 parameters (7,850 floats), 2 state tensors (128 floats), training mode,
    /// epoch 3, SymbolicGrad.Momentum state at step 375</c>.
    /// </summary>
    public override string ToString() =>
        $"{Tensors.Count} parameters ({ParameterCount:N0} floats)"
        + (StateTensors.Count > 0 ? $", {StateTensors.Count} state tensors ({StateCount:N0} floats)" : "")
        + (Training switch { true => ", training mode", false => ", evaluation mode", null => "" })
        + $", epoch {CompletedEpochs}"
        + (HasOptimizerState ? $", {OptimizerType} state at step {OptimizerStep}" : ", no optimizer state");
}
