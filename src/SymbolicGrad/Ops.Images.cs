namespace SymbolicGrad;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution of one image by a layer (<see cref="ParameterStore.Conv2d"/>), in a new image of
    /// OutChannels × OutHeight × OutWidth (see <see cref="SymbolicGrad.Conv2d.OutputSize"/>).
    /// </summary>
    /// <param name="x">The image; its channel count must be the layer's <see cref="SymbolicGrad.Conv2d.InChannels"/>.</param>
    /// <param name="conv">The layer.</param>
    /// <exception cref="ArgumentException">The image does not fit the layer; the message names the layer and the sizes.</exception>
    public static Image Conv2d(Image x, Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (x.Channels != conv.InChannels)
        {
            throw new ArgumentException(
                $"Ops.Conv2d(x, {conv.Name}): x is {x} but {conv.Describe()} takes {conv.InChannels} input channel{(conv.InChannels == 1 ? "" : "s")}.",
                nameof(x));
        }

        var geometry = Conv2dGeometry.For(conv, x.Height, x.Width);
        var result = new Image(geometry.OutChannels, geometry.OutHeight, geometry.OutWidth);
        Kernels.Conv2dForward(geometry, 1, x.Span, conv.Weights.Span, conv.Bias.Span, result.Span, new float[geometry.ColumnLength]);
        return result;
    }

    /// <summary>
    /// Max pooling of one image with a size × size window moved by <paramref name="stride"/>, per channel, in a new
    /// image; windows that would cross the border are left out (PyTorch's default floor mode, no padding).
    /// </summary>
    /// <param name="x">The image.</param>
    /// <param name="size">Window height and width.</param>
    /// <param name="stride">Step between windows.</param>
    /// <exception cref="ArgumentException">The window or stride is not positive, or the window does not fit the image.</exception>
    public static Image MaxPool2d(Image x, int size, int stride)
    {
        var geometry = new Pool2dGeometry(x.Channels, x.Height, x.Width, size, stride);
        var result = new Image(x.Channels, geometry.OutHeight, geometry.OutWidth);
        Kernels.MaxPool2dForward(geometry, 1, x.Span, result.Span, []);
        return result;
    }

    /// <summary>Max pooling with non-overlapping size × size windows (stride = size, PyTorch's default).</summary>
    /// <param name="x">The image.</param>
    /// <param name="size">Window height and width, and the step between windows.</param>
    public static Image MaxPool2d(Image x, int size) => MaxPool2d(x, size, size);

    /// <summary>The image's pixels as one vector, channel after channel, row after row — a view, no copy.</summary>
    /// <param name="x">The image.</param>
    public static Vec Flatten(Image x) => x.AsVec();

    /// <summary>Rectified linear unit <c>max(x, 0)</c> of every pixel, in a new image of the same shape.</summary>
    /// <param name="x">The image.</param>
    public static Image Relu(Image x)
    {
        var result = new Image(x.Channels, x.Height, x.Width);
        Kernels.Relu(x.Span, result.Span);
        return result;
    }
}
