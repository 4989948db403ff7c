using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The shape of a tensor value, per sample: rank 0 (a scalar), 1 (a vector of <see cref="Length"/> elements) or 2
/// (a matrix of <see cref="Rows"/> × <see cref="Cols"/>), and whether it holds one such value per sample of a batch.
/// A node without a shape is a scalar shared by the whole batch (every value of a scalar function).
/// </summary>
internal sealed record Shape(int Rank, bool Batched, EquatableArray<Dim> Dims)
{
    /// <summary>One scalar per sample.</summary>
    public static readonly Shape BatchedScalar = new(0, true, EquatableArray<Dim>.Empty);

    public static Shape Vector(Dim length, bool batched) => new(1, batched, new EquatableArray<Dim>(new[] { length }));

    /// <summary>
    /// An image per sample: a vector of channels·height·width elements (CHW order) that also knows its three extents,
    /// so that element-wise ops treat it as the vector it is and convolution, pooling and batch norm see its geometry.
    /// </summary>
    public static Shape Image(Dim channels, Dim height, Dim width, bool batched) =>
        new(1, batched, new EquatableArray<Dim>(new[] { Dim.Times(channels, Dim.Times(height, width)), channels, height, width }));

    public static Shape Matrix(Dim rows, Dim cols) => new(2, false, new EquatableArray<Dim>(new[] { rows, cols }));

    public bool IsScalar => Rank == 0;

    /// <summary>Whether the vector is an image of <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public bool IsImage => Rank == 1 && Dims.Count == 4;

    public Dim Channels => Dims[1];

    public Dim Height => Dims[2];

    public Dim Width => Dims[3];

    /// <summary>A vector's element count.</summary>
    public Dim Length => Dims[0];

    public Dim Rows => Dims[0];

    public Dim Cols => Dims[1];

    /// <summary>The elements per sample: the length, or rows × columns.</summary>
    public Dim Size => Rank switch
    {
        0 => new Dim.Constant(1),
        1 => Dims[0],
        _ => new Dim.Product(Dims[0], Dims[1]),
    };

    public Shape WithBatched(bool batched) => this with { Batched = batched };
}
