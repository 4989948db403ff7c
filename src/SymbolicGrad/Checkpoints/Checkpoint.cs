namespace SymbolicGrad;

/// <summary>
/// Saves and loads a model's parameters, its non-trainable state (batch-norm running statistics), its mode and
/// random stream (<see cref="Model.Training"/>, <see cref="Model.RandomSeed"/>, <see cref="Model.RandomStep"/>), and
/// optionally its optimizer's state, in a versioned binary file with shape tables and a CRC-32C checksum; see
/// <see cref="FormatVersion"/>. Files of version 1 (parameters only) still load.
/// </summary>
/// <remarks>
/// Writes are atomic: the data goes to a temporary file in the same folder, which then replaces the target, so a
/// crash never leaves a half-written checkpoint. Loading validates the whole file (magic, version, length, checksum,
/// shape table against the model's <see cref="ParameterStore.Layout"/>, optimizer type) before copying anything: a
/// refused checkpoint leaves the model, the optimizer and the file untouched.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The format version this runtime writes and reads.</summary>
    public const int FormatVersion = CheckpointFormat.Version;

    /// <summary>
    /// Saves the model's parameters, state, mode and random stream, and the optimizer's state when one is given,
    /// atomically to <paramref name="path"/>.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="optimizer">The optimizer training the model, to save its state (velocities, moments, step count); or null.</param>
    /// <param name="completedEpochs">Epochs trained so far (a <see cref="Trainer"/> resumes counting from it).</param>
    /// <exception cref="ArgumentException">The optimizer's state does not fit the parameters, or cannot be saved.</exception>
    public static void Save(ITrainable model, string path, IOptimizer? optimizer = null, int completedEpochs = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(model.Parameters, path, optimizer, completedEpochs);
    }

    /// <summary>Saves the parameters (with their store's state, mode and random stream), and the optimizer's state when one is given, atomically to <paramref name="path"/>.</summary>
    /// <param name="parameters">The parameters to save.</param>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="optimizer">The optimizer training these parameters, to save its state; or null.</param>
    /// <param name="completedEpochs">Epochs trained so far.</param>
    /// <exception cref="ArgumentException">The optimizer's state does not fit the parameters, or cannot be saved.</exception>
    public static void Save(ParameterStore parameters, string path, IOptimizer? optimizer = null, int completedEpochs = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(completedEpochs);
        string? optimizerType = null;
        long step = 0;
        IReadOnlyList<float[]> buffers = [];
        if (optimizer is Optimizer known)
        {
            if (known.ParameterCount >= 0)
            {
                if (known.ParameterCount != parameters.Count)
                {
                    throw new ArgumentException(
                        $"Checkpoint.Save: the optimizer was used with {known.ParameterCount} parameters but the model has {parameters.Count}.", nameof(optimizer));
                }

                optimizerType = known.GetType().FullName;
                step = known.StepCount;
                buffers = known.CheckpointState;
            }
        }
        else if (optimizer is not null && optimizer.StepCount > 0)
        {
            throw new ArgumentException(
                $"Checkpoint.Save: the state of {optimizer.GetType().Name} cannot be saved (only optimizers derived from Optimizer expose it); pass no optimizer to save the parameters only.",
                nameof(optimizer));
        }

        // A snapshot taken during another thread's step would hold half-updated values.
        bool began = parameters.BeginStepUnlessHeld("Checkpoint.Save");
        byte[] bytes;
        try
        {
            var model = new CheckpointFormat.ModelState(parameters.StateLayout, parameters.State.ToArray(), parameters.Training,
                Interlocked.Read(ref parameters.RandomSeed), Interlocked.Read(ref parameters.RandomStep));
            bytes = CheckpointFormat.Encode(parameters.Layout, parameters.Values, model, completedEpochs, optimizerType, step, buffers);
        }
        finally
        {
            if (began) parameters.EndStep();
        }

        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Loads a checkpoint into the model — parameters, state, and (from version 2) mode and random stream — and its
    /// optimizer's state into <paramref name="optimizer"/> when the file has some, after validating all of it. A
    /// version-1 file leaves the model's mode and random stream as they are.
    /// </summary>
    /// <param name="model">The model to receive the parameters; its layout must match the file's shape table.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">An optimizer of the saved type to receive the saved state, or null to load parameters only.</param>
    /// <returns>What the file held.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not a checkpoint, of an unknown version, or its shapes, state or optimizer type do not match; nothing was changed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointInfo Load(ITrainable model, string path, IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(model.Parameters, path, optimizer);
    }

    /// <summary>Loads a checkpoint into <paramref name="parameters"/> (and <paramref name="optimizer"/>), after validating all of it.</summary>
    /// <param name="parameters">The store to receive the values; its layout must match the file's shape table.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="optimizer">An optimizer of the saved type to receive the saved state, or null to load parameters only.</param>
    /// <returns>What the file held.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not a checkpoint, of an unknown version, or its shapes, state or optimizer type do not match; nothing was changed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointInfo Load(ParameterStore parameters, string path, IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var contents = CheckpointFormat.Read(path);
        var info = contents.Info;
        CheckLayout(parameters, info);
        CheckStateLayout(parameters, info);

        Optimizer? target = null;
        if (info.HasOptimizerState && optimizer is not null)
        {
            target = optimizer as Optimizer ?? throw new ArgumentException(
                $"Checkpoint.Load: '{info.Path}' holds optimizer state, which cannot be loaded into {optimizer.GetType().Name} (only optimizers derived from Optimizer take it); pass no optimizer to load the parameters only.",
                nameof(optimizer));
            CheckOptimizer(target, contents);
        }

        // Values written under another thread's step would be half updated by it (and its optimizer's state with them).
        bool began = parameters.BeginStepUnlessHeld("Checkpoint.Load");
        try
        {
            contents.Values.CopyTo(parameters.Values);
            contents.State.CopyTo(parameters.State);
            if (info.Training is bool training)
            {
                parameters.Training = training;
                Interlocked.Exchange(ref parameters.RandomSeed, info.RandomSeed);
                Interlocked.Exchange(ref parameters.RandomStep, info.RandomStep);
            }

            if (target is not null)
            {
                var state = target.CheckpointState;
                for (int i = 0; i < state.Count; i++)
                {
                    contents.OptimizerBuffers[i].CopyTo(state[i], 0);
                }
            }
        }
        finally
        {
            if (began) parameters.EndStep();
        }

        return info;
    }

    /// <summary>Reads and validates a checkpoint's header, checksum and shape table without loading it anywhere.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>What the file holds.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not a checkpoint or of another version.</exception>
    public static CheckpointInfo Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return CheckpointFormat.Read(path).Info;
    }

    private static void CheckLayout(ParameterStore parameters, CheckpointInfo info)
    {
        var layout = parameters.Layout;
        if (layout.Count != info.Tensors.Count)
        {
            throw CheckpointFormat.Refuse(info.Path,
                $"shape mismatch: the file has {info.Tensors.Count} parameters ({Describe(info.Tensors)}) but the model has {layout.Count} ({Describe(layout)})");
        }

        for (int i = 0; i < layout.Count; i++)
        {
            var mine = layout[i];
            var saved = info.Tensors[i];
            if (mine.Name != saved.Name || mine.Rows != saved.Rows || mine.Cols != saved.Cols || mine.IsMatrix != saved.IsMatrix)
            {
                throw CheckpointFormat.Refuse(info.Path,
                    $"shape mismatch: parameter {i} is '{saved.Name}: {saved.Shape}' in the file but '{mine.Name}: {mine.Shape}' in the model");
            }
        }
    }

    private static void CheckStateLayout(ParameterStore parameters, CheckpointInfo info)
    {
        var layout = parameters.StateLayout;
        if (layout.Count != info.StateTensors.Count)
        {
            string saved = info.StateTensors.Count == 0 ? "no state" : $"{info.StateTensors.Count} state tensors ({Describe(info.StateTensors)})";
            string mine = layout.Count == 0 ? "none" : $"{layout.Count} ({Describe(layout)})";
            throw CheckpointFormat.Refuse(info.Path, $"state mismatch: the file has {saved} but the model has {mine}");
        }

        for (int i = 0; i < layout.Count; i++)
        {
            var mine = layout[i];
            var saved = info.StateTensors[i];
            if (mine.Name != saved.Name || mine.Rows != saved.Rows || mine.Cols != saved.Cols || mine.IsMatrix != saved.IsMatrix)
            {
                throw CheckpointFormat.Refuse(info.Path,
                    $"state mismatch: state tensor {i} is '{saved.Name}: {saved.Shape}' in the file but '{mine.Name}: {mine.Shape}' in the model");
            }
        }
    }

    // Validates the saved state against the optimizer; may allocate the optimizer's state, but undoes that on refusal.
    private static void CheckOptimizer(Optimizer optimizer, CheckpointFormat.Contents contents)
    {
        var info = contents.Info;
        string type = optimizer.GetType().FullName ?? optimizer.GetType().Name;
        if (type != info.OptimizerType)
        {
            throw CheckpointFormat.Refuse(info.Path, $"optimizer mismatch: the file holds the state of {info.OptimizerType} but the optimizer given is {type}");
        }

        if (optimizer.ParameterCount >= 0 && optimizer.ParameterCount != info.ParameterCount)
        {
            throw new ArgumentException(
                $"Checkpoint.Load: the optimizer is in use for {optimizer.ParameterCount} parameters but '{info.Path}' has {info.ParameterCount}; pass a fresh optimizer.",
                nameof(optimizer));
        }

        foreach (var buffer in contents.OptimizerBuffers)
        {
            if (buffer.Length != info.ParameterCount)
            {
                throw CheckpointFormat.Refuse(info.Path, $"corrupt: an optimizer buffer of {buffer.Length} floats for {info.ParameterCount} parameters");
            }
        }

        bool wasFresh = optimizer.ParameterCount < 0;
        long previousStep = optimizer.StepCount;
        optimizer.PrepareForRestore(info.ParameterCount, info.OptimizerStep);
        if (optimizer.CheckpointState.Count != contents.OptimizerBuffers.Count)
        {
            if (wasFresh)
            {
                optimizer.Reset();
            }
            else
            {
                optimizer.PrepareForRestore(info.ParameterCount, previousStep);
            }

            throw CheckpointFormat.Refuse(info.Path,
                $"optimizer mismatch: the file holds {contents.OptimizerBuffers.Count} state buffers but {type} has {optimizer.CheckpointState.Count}");
        }
    }

    private static string Describe(IEnumerable<CheckpointTensor> tensors) => string.Join(", ", tensors.Select(t => $"{t.Name}: {t.Shape}"));

    private static string Describe(IEnumerable<ParameterInfo> layout) => string.Join(", ", layout.Select(p => $"{p.Name}: {p.Shape}"));
}
