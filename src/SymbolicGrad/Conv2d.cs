namespace SymbolicGrad;

/// <summary>
/// A 2-D convolution layer, from <see cref="ParameterStore.Conv2d"/>: <see cref="OutChannels"/> filters of
/// <see cref="InChannels"/> × <see cref="Kernel"/> × <see cref="Kernel"/> weights, applied with
/// <see cref="Stride"/> and zero <see cref="Padding"/>, plus a bias per output channel. Apply it to an
/// <see cref="Image"/> with <see cref="Ops.Conv2d"/>.
/// </summary>
/// <remarks>
/// <see cref="Weights"/> is an <c>OutChannels × (InChannels·Kernel·Kernel)</c> matrix: row o holds filter o, its
/// element <c>(c·Kernel + ky)·Kernel + kx</c> weighs input channel c at offset (ky, kx) — PyTorch's
/// <c>weight[o, c, ky, kx]</c> flattened. Output (o, y, x) = <c>bias[o] + Σ W[o, c, ky, kx] · in[c, y·stride − padding
/// + ky, x·stride − padding + kx]</c> (cross-correlation, as in every deep-learning library), with zeros outside the image.
/// </remarks>
public sealed class Conv2d
{
    internal Conv2d(ParameterStore store, LayerName naming, int inChannels, int outChannels, int kernel, int stride, int padding)
    {
        const string where = "Parameters.Conv2d";
        Store = store;
        Naming = naming;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Weights = store.LayerMatrix(outChannels, inChannels * kernel * kernel, naming, nameof(Weights), where);
        Bias = store.LayerVector(outChannels, naming, nameof(Bias), where);
    }

    /// <summary>Channels of the input image.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output image (the number of filters).</summary>
    public int OutChannels { get; }

    /// <summary>Height and width of each filter.</summary>
    public int Kernel { get; }

    /// <summary>Step between filter positions, in pixels.</summary>
    public int Stride { get; }

    /// <summary>Zero pixels added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>The filters, <c>OutChannels × (InChannels·Kernel·Kernel)</c>, in the parameter store.</summary>
    public Mat Weights { get; }

    /// <summary>The bias of each output channel, in the parameter store.</summary>
    public Vec Bias { get; }

    /// <summary>The layer's name in the layouts: the name given, else the model field holding it, else <c>p</c> + an index.</summary>
    public string Name
    {
        get
        {
            _ = Store.Layout; // names the layer after its field
            return Naming.Name;
        }
    }

    internal ParameterStore Store { get; }

    internal LayerName Naming { get; }

    /// <summary>
    /// The output size for an input of <paramref name="height"/> × <paramref name="width"/>:
    /// <c>⌊(size + 2·padding − kernel) / stride⌋ + 1</c> each.
    /// </summary>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public (int Height, int Width) OutputSize(int height, int width)
    {
        var geometry = Conv2dGeometry.For(this, height, width);
        return (geometry.OutHeight, geometry.OutWidth);
    }

    /// <summary>The layer as text, e.g. <c>conv1: Conv2d(1→6, kernel 5, stride 1, padding 0)</c>.</summary>
    public override string ToString() => $"{Name}: {Describe()}";

    internal string Describe() => $"Conv2d({InChannels}→{OutChannels}, kernel {Kernel}, stride {Stride}, padding {Padding})";
}
