namespace SymbolicGrad;

/// <summary>Where one parameter lives in <see cref="ParameterStore.Values"/>: its name, offset and shape.</summary>
public sealed class ParameterInfo
{
    internal ParameterInfo(string? name, int offset, int rows, int cols, bool isMatrix, LayerName? layer = null, string part = "")
    {
        ExplicitName = name;
        Layer = layer;
        Part = part;
        Offset = offset;
        Rows = rows;
        Cols = cols;
        IsMatrix = isMatrix;
    }

    /// <summary>
    /// The name given at allocation, else the name of the model field holding the view (e.g. <c>W1</c>,
    /// <c>layers[2]</c>), else <c>p</c> + its index. A part of a layer is named after the layer and the part, e.g.
    /// <c>bn1.Gamma</c>, <c>conv1.Weights</c>.
    /// </summary>
    public string Name => Layer is not null ? Layer.Name + "." + Part : ExplicitName ?? FieldName ?? "p" + Index;

    /// <summary>Index of the first element in <see cref="ParameterStore.Values"/> and <see cref="ParameterStore.Gradients"/>.</summary>
    public int Offset { get; }

    /// <summary>Rows of a matrix; 1 for a vector.</summary>
    public int Rows { get; }

    /// <summary>Columns of a matrix; the length of a vector.</summary>
    public int Cols { get; }

    /// <summary>Number of elements.</summary>
    public int Length => Rows * Cols;

    /// <summary>True for a <see cref="Mat"/> parameter, false for a <see cref="Vec"/>.</summary>
    public bool IsMatrix { get; }

    /// <summary>The shape as text, e.g. <c>Mat[128×784]</c> or <c>Vec[10]</c>.</summary>
    public string Shape => IsMatrix ? $"Mat[{Rows}×{Cols}]" : $"Vec[{Cols}]";

    internal string? ExplicitName { get; }

    /// <summary>The layer (batch norm, convolution) this parameter is a part of, or null.</summary>
    internal LayerName? Layer { get; }

    /// <summary>The part of <see cref="Layer"/> it is, e.g. <c>Gamma</c>.</summary>
    internal string Part { get; }

    internal string? FieldName { get; set; }

    internal int Index { get; set; }

    /// <summary>Name, shape and offset, e.g. <c>W1: Mat[128×784] at 0</c>.</summary>
    public override string ToString() => $"{Name}: {Shape} at {Offset}";
}
