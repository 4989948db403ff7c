namespace SymbolicGrad.Generator.Ir;

/// <summary>Which extent of a tensor a dimension reads.</summary>
internal enum Axis
{
    /// <summary>The element count of a vector (per sample, for a batch of vectors).</summary>
    Length,
    Rows,
    Cols,
}

/// <summary>
/// A tensor whose extents dimensions read: a parameter or field, by its C# name, or an element of an array of
/// tensors (<c>W[l]</c>, <see cref="Element"/> the node of the int index; -1 for a plain tensor), or the last element
/// a loop over layers reads (<c>b[W.Length - 1]</c>: <see cref="LastOf"/> names the array whose length bounds the loop).
/// </summary>
internal sealed record TensorRef(string Name, int Element = -1, string? LastOf = null);

/// <summary>
/// A dimension known symbolically at compile time and numerically at run time: a constant, an extent of a
/// parameter or field, or sums and products of those. Never C# text: the backend writes it.
/// </summary>
internal abstract record Dim
{
    private Dim()
    {
    }

    /// <summary>A dimension known at compile time.</summary>
    public sealed record Constant(int Value) : Dim;

    /// <summary>The length, rows or columns of a tensor the method receives (<c>W1.Rows</c>, <c>x.Length</c>, <c>W[l].Cols</c>).</summary>
    public sealed record Extent(TensorRef Tensor, Axis Axis) : Dim;

    /// <summary>Two parts end to end (a concatenation).</summary>
    public sealed record Sum(Dim Left, Dim Right) : Dim;

    /// <summary>Rows × columns.</summary>
    public sealed record Product(Dim Left, Dim Right) : Dim;

    /// <summary>An int property of a layer field the method reads (<c>conv1.OutChannels</c>, <c>bn1.Features</c>); <see cref="Layer"/> is its C# access.</summary>
    public sealed record LayerMember(string Layer, string Member) : Dim;

    /// <summary>
    /// The positions of a window sliding over <see cref="Size"/> pixels: <c>(size + 2·padding − kernel) / stride + 1</c>
    /// (a convolution's or pooling's output height or width; the division floors, as PyTorch's does).
    /// </summary>
    public sealed record Window(Dim Size, Dim Kernel, Dim Stride, Dim Padding) : Dim;

    /// <summary><c>a·b</c>, folded when both are constants.</summary>
    public static Dim Times(Dim a, Dim b) => a is Constant x && b is Constant y ? new Constant(x.Value * y.Value) : new Product(a, b);

    /// <summary>A window's positions, folded when every part is a constant.</summary>
    public static Dim Slide(Dim size, Dim kernel, Dim stride, Dim padding) =>
        size is Constant s && kernel is Constant k && stride is Constant t && padding is Constant p && t.Value > 0
            ? new Constant((s.Value + 2 * p.Value - k.Value) / t.Value + 1)
            : new Window(size, kernel, stride, padding);

    public static Dim Of(string tensor, Axis axis) => new Extent(new TensorRef(tensor), axis);
}
