namespace SymbolicGrad.TrainerTests.Models;

/// <summary>
/// Wraps a model and records, by the bits of each row's first feature, which rows it trained on (gradient calls) and
/// which it only evaluated; safe to use from several threads.
/// </summary>
public sealed class RecordingModel(ITrainable inner) : ITrainable
{
    private readonly object _lock = new();

    public HashSet<int> TrainedRows { get; } = [];

    public HashSet<int> EvaluatedRows { get; } = [];

    public ParameterStore Parameters => inner.Parameters;

    public bool SupportsFusedUpdate => inner.SupportsFusedUpdate;

    public float BatchLoss(Mat inputs, in BatchTargets targets, bool accumulateGradient)
    {
        Record(inputs, accumulateGradient ? TrainedRows : EvaluatedRows);
        return inner.BatchLoss(inputs, targets, accumulateGradient);
    }

    public int CountCorrect(Mat inputs, in BatchTargets targets)
    {
        Record(inputs, EvaluatedRows);
        return inner.CountCorrect(inputs, targets);
    }

    private void Record(Mat inputs, HashSet<int> rows)
    {
        lock (_lock)
        {
            for (int r = 0; r < inputs.Rows; r++)
            {
                rows.Add(BitConverter.SingleToInt32Bits(inputs[r, 0]));
            }
        }
    }

    /// <summary>The keys <see cref="RecordingModel"/> records for the rows of <paramref name="data"/>.</summary>
    public static HashSet<int> Keys(Dataset data) =>
        Enumerable.Range(0, data.Count).Select(r => BitConverter.SingleToInt32Bits(data.Row(r)[0])).ToHashSet();
}
