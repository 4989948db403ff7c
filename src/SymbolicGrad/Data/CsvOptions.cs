namespace SymbolicGrad;

/// <summary>What the label column of a CSV file holds.</summary>
public enum CsvLabelKind
{
    /// <summary>Class labels: non-negative integers, or text names (mapped to 0, 1, … in ordinal order of the names).</summary>
    Class,

    /// <summary>A numeric regression target.</summary>
    Target,
}

/// <summary>How <see cref="Csv"/> reads a file: separator, header, which column is the label.</summary>
public sealed class CsvOptions
{
    /// <summary>The field separator; ',' by default.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// Whether the first non-blank line is a header. Null (the default) detects it: the first line is a header
    /// when one of its fields is not a number while the same field of the next line is (or, for a one-line
    /// file, when any field is not a number).
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// Zero-based index of the label column; negative counts from the end (-1, the default, is the last column).
    /// Ignored when <see cref="LabelColumnName"/> is set.
    /// </summary>
    public int LabelColumn { get; init; } = -1;

    /// <summary>Name of the label column in the header; requires a header.</summary>
    public string? LabelColumnName { get; init; }

    /// <summary>Whether the label column holds classes or a numeric target; classes by default.</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.Class;

    /// <summary>Number of classes for numeric class labels; null (the default) means the largest label + 1.</summary>
    public int? ClassCount { get; init; }
}
