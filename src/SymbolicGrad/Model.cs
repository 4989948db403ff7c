using System.Threading;

namespace SymbolicGrad;

/// <summary>
/// Base class of a trainable model: allocate its parameters in the constructor with
/// <c>Parameters.Matrix(...)</c>, <c>Parameters.Vector(...)</c> and layers such as <c>Parameters.BatchNorm(...)</c>
/// and keep the returned views in fields; <see cref="DifferentiableAttribute"/> methods of the subclass get generated
/// gradients with respect to them.
/// </summary>
/// <remarks>
/// <para>A model is in training mode (<see cref="Training"/>) or evaluation mode, as in PyTorch: dropout and batch
/// normalization behave differently in the two. <see cref="Trainer.Fit"/> sets training mode; the trainer's
/// evaluations and accuracy counts run in evaluation mode and restore the mode afterwards.</para>
/// <para>Random numbers (dropout masks) come from a counter-based stream: the masks of one forward pass depend only on
/// (<see cref="RandomSeed"/>, <see cref="RandomStep"/>, which dropout call, which sample of the batch, which
/// element), never on threads or call history, so the same seed gives the same run.</para>
/// </remarks>
public abstract class Model
{
    /// <summary>Creates a model with an empty parameter store, in training mode.</summary>
    protected Model() => Parameters = new ParameterStore(this);

    /// <summary>Every parameter value and gradient, each in one contiguous buffer.</summary>
    public ParameterStore Parameters { get; }

    /// <summary>
    /// True in training mode (after construction): <see cref="Ops.Dropout"/> drops elements and
    /// <see cref="Ops.BatchNorm(Vec, BatchNorm)"/> normalizes with batch statistics and updates its running
    /// statistics. False in evaluation mode: dropout is the identity and batch normalization uses the running
    /// statistics. Saved in checkpoints.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Set while another thread is in a training step, an evaluation, a gradient check or a checkpoint of this model
    /// (its batch would change mode halfway); the mode is left as it was.
    /// </exception>
    public bool Training
    {
        get => Parameters.Training;
        set => Parameters.Training = value;
    }

    /// <summary>The seed of the model's random stream (dropout masks); 0 by default. Saved in checkpoints.</summary>
    public long RandomSeed
    {
        get => Interlocked.Read(ref Parameters.RandomSeed);
        set => Interlocked.Exchange(ref Parameters.RandomSeed, value);
    }

    /// <summary>
    /// The number of training-mode forward passes that have drawn random numbers. Each such pass (a generated
    /// training-mode call of a method that uses dropout, or <see cref="BeginForward"/> in training mode) draws its
    /// masks from (<see cref="RandomSeed"/>, this value) and then increments it. Saved in checkpoints; set it back to
    /// replay a pass's masks.
    /// </summary>
    public long RandomStep
    {
        get => Interlocked.Read(ref Parameters.RandomStep);
        set => Interlocked.Exchange(ref Parameters.RandomStep, value);
    }

    /// <summary>
    /// Makes <see cref="Ops.Dropout"/> in a directly called method body of this model, on this thread, use the
    /// model's mode and random stream, as the generated code does, until the returned scope is disposed:
    /// <code>using (net.BeginForward()) loss = net.Loss(x, label);</code>
    /// </summary>
    /// <remarks>
    /// In training mode the scope takes the next random step (see <see cref="RandomStep"/>); the body's dropout calls
    /// are numbered 0, 1, … in the order they run, which identifies each one's mask. Without a scope
    /// <see cref="Ops.Dropout"/> has no model to ask and is the identity, as in evaluation. Scopes nest; dispose
    /// them in reverse order.
    /// </remarks>
    /// <param name="sample">Which row of a batch the call stands for (its masks are those of that row of a batched call drawn at the same step).</param>
    /// <returns>The scope; dispose it to restore the previous one.</returns>
    public ForwardScope BeginForward(int sample = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        return new ForwardScope(Parameters, Training, sample);
    }
}
