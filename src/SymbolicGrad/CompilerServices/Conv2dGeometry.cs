namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The sizes of one 2-D convolution of a (channels, height, width) image, validated once and passed to the
/// convolution kernels: input and output shapes, and the im2col matrix (<see cref="ColumnRows"/> ×
/// <see cref="ColumnCols"/>) that turns the convolution into a matrix product.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct Conv2dGeometry
{
    /// <summary>Validates and computes the geometry of a convolution.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="outChannels">Output channels (filters).</param>
    /// <param name="kernel">Filter height and width.</param>
    /// <param name="stride">Step between filter positions.</param>
    /// <param name="padding">Zero pixels around the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, or the kernel does not fit the padded input.</exception>
    public Conv2dGeometry(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
        : this(inChannels, height, width, outChannels, kernel, stride, padding, layer: null)
    {
    }

    // The layer, when there is one, only names the error (its name costs a reflection pass, so only then).
    private Conv2dGeometry(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, Conv2d? layer)
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || height < 1 || width < 1)
        {
            throw new ArgumentException(
                $"{Name(layer)}: in {inChannels}, out {outChannels} channels, kernel {kernel}, stride {stride}, padding {padding}, input {height}×{width}: channels, kernel, stride and input sizes must be positive and padding not negative.");
        }

        long paddedHeight = height + 2L * padding, paddedWidth = width + 2L * padding;
        if (kernel > paddedHeight || kernel > paddedWidth)
        {
            throw new ArgumentException(
                $"{Name(layer)}: the {kernel}×{kernel} kernel does not fit the input Image[{inChannels}×{height}×{width}] padded by {padding} ({paddedHeight}×{paddedWidth}).");
        }

        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        OutHeight = (int)((paddedHeight - kernel) / stride + 1);
        OutWidth = (int)((paddedWidth - kernel) / stride + 1);
        if ((long)inChannels * height * width > Array.MaxLength || (long)outChannels * OutHeight * OutWidth > Array.MaxLength
            || (long)inChannels * kernel * kernel * OutHeight * OutWidth > Array.MaxLength)
        {
            throw new ArgumentException($"{Name(layer)}: the input, output or im2col matrix of Image[{inChannels}×{height}×{width}] exceeds the largest array.");
        }
    }

    /// <summary>The geometry of <paramref name="layer"/> on a height × width input; errors name the layer and the sizes.</summary>
    /// <param name="layer">The convolution layer.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    public static Conv2dGeometry For(Conv2d layer, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new Conv2dGeometry(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride, layer.Padding, layer);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Input height.</summary>
    public int Height { get; }

    /// <summary>Input width.</summary>
    public int Width { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Filter height and width.</summary>
    public int Kernel { get; }

    /// <summary>Step between filter positions.</summary>
    public int Stride { get; }

    /// <summary>Zero pixels around the input.</summary>
    public int Padding { get; }

    /// <summary>Output height, <c>⌊(Height + 2·Padding − Kernel) / Stride⌋ + 1</c>.</summary>
    public int OutHeight { get; }

    /// <summary>Output width, <c>⌊(Width + 2·Padding − Kernel) / Stride⌋ + 1</c>.</summary>
    public int OutWidth { get; }

    /// <summary>Elements of one input sample, InChannels·Height·Width.</summary>
    public int InputLength => InChannels * Height * Width;

    /// <summary>Elements of one output sample, OutChannels·OutHeight·OutWidth.</summary>
    public int OutputLength => OutChannels * OutHeight * OutWidth;

    /// <summary>Rows of the im2col matrix and columns of the weights, InChannels·Kernel².</summary>
    public int ColumnRows => InChannels * Kernel * Kernel;

    /// <summary>Columns of the im2col matrix: output positions, OutHeight·OutWidth.</summary>
    public int ColumnCols => OutHeight * OutWidth;

    /// <summary>
    /// Floats of the im2col workspace the kernels need (ColumnRows·ColumnCols); 0 for a 1×1 kernel with stride 1 and
    /// no padding, whose input already is its im2col matrix.
    /// </summary>
    public int ColumnLength => IsPointwise ? 0 : ColumnRows * ColumnCols;

    /// <summary>A 1×1 kernel with stride 1 and no padding: the convolution is a plain matrix product.</summary>
    public bool IsPointwise => Kernel == 1 && Stride == 1 && Padding == 0;

    private static string Name(Conv2d? layer) => layer is null ? "Conv2d" : $"{layer.Name}: {layer.Describe()}";

    /// <summary>The shape, e.g. <c>Conv2d Image[1×28×28] → Image[6×24×24], kernel 5, stride 1, padding 0</c>.</summary>
    public override string ToString() =>
        $"Conv2d Image[{InChannels}×{Height}×{Width}] → Image[{OutChannels}×{OutHeight}×{OutWidth}], kernel {Kernel}, stride {Stride}, padding {Padding}";
}
