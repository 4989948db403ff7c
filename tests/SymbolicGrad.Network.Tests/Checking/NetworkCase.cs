namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// One model with its samples, seen through the generated API whatever the method's parameters are: sample
/// <c>i</c> stands for (x, label/target/scale) of that sample, a batch for the samples [start, start + count).
/// </summary>
public abstract class NetworkCase
{
    /// <summary>Wraps <paramref name="model"/> and <paramref name="data"/>.</summary>
    protected NetworkCase(string name, string family, Model model, SampleData data)
    {
        Name = name;
        Family = family;
        Model = model;
        Data = data;
    }

    /// <summary>The model's type name, shown in test names and failure messages.</summary>
    public string Name { get; }

    /// <summary>The op family the model checks (e.g. "activation", "composed").</summary>
    public string Family { get; }

    /// <summary>The model under test.</summary>
    public Model Model { get; }

    /// <summary>The samples.</summary>
    public SampleData Data { get; }

    /// <summary>The model's parameters and gradients.</summary>
    public ParameterStore Parameters => Model.Parameters;

    /// <summary>The user's method on sample <paramref name="i"/> (the reference forward).</summary>
    public abstract float Loss(int i);

    /// <summary>Generated <c>LossGradient</c> on sample <paramref name="i"/>.</summary>
    public abstract float LossGradient(int i);

    /// <summary>A new generated <c>LossWorkspace</c>.</summary>
    public abstract object NewWorkspace();

    /// <summary>Generated <c>LossForward</c> on sample <paramref name="i"/>.</summary>
    public abstract float LossForward(object workspace, int i);

    /// <summary>Generated <c>LossBackward</c> on sample <paramref name="i"/>.</summary>
    public abstract void LossBackward(object workspace, int i);

    /// <summary>Generated <c>LossBatch</c> on a batch.</summary>
    public abstract float LossBatch(int start, int count);

    /// <summary>Generated <c>LossGradientBatch</c> on a batch.</summary>
    public abstract float LossGradientBatch(int start, int count);

    /// <summary>Generated <c>LossForwardBatch</c> on a batch.</summary>
    public abstract float LossForwardBatch(object workspace, int start, int count);

    /// <summary>Generated <c>LossBackwardBatch</c> on a batch.</summary>
    public abstract void LossBackwardBatch(object workspace, int start, int count);

    /// <summary>The targets of a batch for <see cref="Trainer.Step"/>, or null when the model is not trainable.</summary>
    public virtual BatchTargets? TrainingTargets(int start, int count) => null;

    /// <summary>Mean of the user's method over a batch, summed in double: the reference of the batched forms.</summary>
    public double MeanLoss(int start, int count)
    {
        double sum = 0;
        for (int i = start; i < start + count; i++)
        {
            sum += Loss(i);
        }

        return sum / count;
    }

    /// <summary>Zeroes the gradients, runs <paramref name="action"/> and returns a copy of the gradients it added.</summary>
    public float[] GradientOf(Action action)
    {
        Parameters.ZeroGradients();
        action();
        return Parameters.Gradients.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Data.Layout})";
}
