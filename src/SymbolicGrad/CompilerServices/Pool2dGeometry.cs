namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The sizes of one 2-D max pooling of a (channels, height, width) image with a square window, validated once and
/// passed to the pooling kernels. No padding; windows that would cross the border are left out (PyTorch's floor mode).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct Pool2dGeometry
{
    /// <summary>Validates and computes the geometry of a pooling.</summary>
    /// <param name="channels">Channels (pooled separately).</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="size">Window height and width.</param>
    /// <param name="stride">Step between windows.</param>
    /// <exception cref="ArgumentException">A size is not positive, or the window does not fit the input.</exception>
    public Pool2dGeometry(int channels, int height, int width, int size, int stride)
    {
        if (channels < 1 || height < 1 || width < 1 || size < 1 || stride < 1)
        {
            throw new ArgumentException(
                $"MaxPool2d(size: {size}, stride: {stride}) of Image[{channels}×{height}×{width}]: the sizes, window and stride must be positive.");
        }

        if (size > height || size > width)
        {
            throw new ArgumentException(
                $"MaxPool2d(size: {size}, stride: {stride}): the {size}×{size} window does not fit the input Image[{channels}×{height}×{width}].");
        }

        Channels = channels;
        Height = height;
        Width = width;
        Size = size;
        Stride = stride;
        OutHeight = (height - size) / stride + 1;
        OutWidth = (width - size) / stride + 1;
        if ((long)channels * height * width > Array.MaxLength)
        {
            throw new ArgumentException($"MaxPool2d: Image[{channels}×{height}×{width}] exceeds the largest array.");
        }
    }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Input height.</summary>
    public int Height { get; }

    /// <summary>Input width.</summary>
    public int Width { get; }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Output height, <c>⌊(Height − Size) / Stride⌋ + 1</c>.</summary>
    public int OutHeight { get; }

    /// <summary>Output width, <c>⌊(Width − Size) / Stride⌋ + 1</c>.</summary>
    public int OutWidth { get; }

    /// <summary>Elements of one input sample.</summary>
    public int InputLength => Channels * Height * Width;

    /// <summary>Elements of one output sample (and of its argmax indices).</summary>
    public int OutputLength => Channels * OutHeight * OutWidth;

    /// <summary>The shape, e.g. <c>MaxPool2d Image[6×24×24] → Image[6×12×12], size 2, stride 2</c>.</summary>
    public override string ToString() =>
        $"MaxPool2d Image[{Channels}×{Height}×{Width}] → Image[{Channels}×{OutHeight}×{OutWidth}], size {Size}, stride {Stride}";
}
