namespace SymbolicGrad;

/// <summary>
/// The targets of a minibatch: either one class label per row (classification) or a matrix of target values
/// with one row per input row (regression). A small view; building one never copies or allocates.
/// </summary>
public readonly struct BatchTargets
{
    private readonly ReadOnlyMemory<int> _labels;
    private readonly Mat _values;

    /// <summary>Class labels for a batch (no copy).</summary>
    /// <param name="labels">One class index per input row.</param>
    public BatchTargets(ReadOnlyMemory<int> labels)
    {
        _labels = labels;
        HasLabels = true;
        Count = labels.Length;
    }

    /// <summary>Class labels <c>labels[offset .. offset + count)</c> for a batch (no copy).</summary>
    /// <param name="labels">The array holding the labels.</param>
    /// <param name="offset">Index of the label of the batch's first row.</param>
    /// <param name="count">Number of rows in the batch.</param>
    public BatchTargets(int[] labels, int offset, int count)
        : this(new ReadOnlyMemory<int>(labels ?? throw new ArgumentNullException(nameof(labels)), offset, count))
    {
    }

    /// <summary>Regression targets for a batch: row r holds the targets of input row r (no copy).</summary>
    /// <param name="values">Batch rows × target count.</param>
    public BatchTargets(Mat values)
    {
        _values = values;
        HasLabels = false;
        Count = values.Rows;
    }

    /// <summary>True for class labels (<see cref="Labels"/>), false for regression targets (<see cref="Values"/>).</summary>
    public bool HasLabels { get; }

    /// <summary>Number of rows (examples) the targets cover.</summary>
    public int Count { get; }

    /// <summary>The class label of each row.</summary>
    /// <exception cref="InvalidOperationException">These are regression targets.</exception>
    public ReadOnlySpan<int> Labels => HasLabels
        ? _labels.Span
        : throw new InvalidOperationException("These batch targets are regression values (a Mat), not class labels.");

    /// <summary>The target values, one row per example.</summary>
    /// <exception cref="InvalidOperationException">These are class labels.</exception>
    public Mat Values => HasLabels
        ? throw new InvalidOperationException("These batch targets are class labels, not regression values.")
        : _values;

    /// <summary>The targets of rows [<paramref name="start"/>, start + count) (no copy).</summary>
    /// <param name="start">First row.</param>
    /// <param name="count">Number of rows.</param>
    public BatchTargets Slice(int start, int count)
    {
        Guard.Range(Count, start, count, "BatchTargets.Slice(start, count)", "the batch targets");
        return HasLabels ? new BatchTargets(_labels.Slice(start, count)) : new BatchTargets(_values.SliceRows(start, count));
    }

    /// <summary>Wraps a whole label array.</summary>
    /// <param name="labels">One class index per row.</param>
    public static implicit operator BatchTargets(int[] labels) => new(labels);

    /// <summary>Wraps a matrix of regression targets.</summary>
    /// <param name="values">One row of targets per example.</param>
    public static implicit operator BatchTargets(Mat values) => new(values);

    /// <summary>Describes the targets, e.g. <c>labels[64]</c> or <c>Mat[64×1]</c>.</summary>
    public override string ToString() => HasLabels ? $"labels[{Count}]" : _values.ToString();
}
