using SymbolicGrad.Network.Tests.Contracts;

namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>A model whose method is <c>Loss(Vec x, int label)</c>.</summary>
public sealed class LabelCase<TModel, TWorkspace>(string name, string family, TModel model, SampleData data)
    : NetworkCase(name, family, model, data)
    where TModel : Model, ILabelLoss<TWorkspace>
    where TWorkspace : class, new()
{
    /// <inheritdoc />
    public override float Loss(int i) => model.Loss(Data.Input(i), Data.Label(i));

    /// <inheritdoc />
    public override float LossGradient(int i) => model.LossGradient(Data.Input(i), Data.Label(i));

    /// <inheritdoc />
    public override object NewWorkspace() => new TWorkspace();

    /// <inheritdoc />
    public override BatchTargets? TrainingTargets(int start, int count) => new BatchTargets(Data.LabelMemory(start, count));

    /// <inheritdoc />
    public override float LossForward(object workspace, int i) =>
        model.LossForward((TWorkspace)workspace, Data.Input(i), Data.Label(i));

    /// <inheritdoc />
    public override void LossBackward(object workspace, int i) =>
        model.LossBackward((TWorkspace)workspace, Data.Input(i), Data.Label(i));

    /// <inheritdoc />
    public override float LossBatch(int start, int count) =>
        model.LossBatch(Data.InputBatch(start, count), Data.LabelBatch(start, count));

    /// <inheritdoc />
    public override float LossGradientBatch(int start, int count) =>
        model.LossGradientBatch(Data.InputBatch(start, count), Data.LabelBatch(start, count));

    /// <inheritdoc />
    public override float LossForwardBatch(object workspace, int start, int count) =>
        model.LossForwardBatch((TWorkspace)workspace, Data.InputBatch(start, count), Data.LabelBatch(start, count));

    /// <inheritdoc />
    public override void LossBackwardBatch(object workspace, int start, int count) =>
        model.LossBackwardBatch((TWorkspace)workspace, Data.InputBatch(start, count), Data.LabelBatch(start, count));
}
