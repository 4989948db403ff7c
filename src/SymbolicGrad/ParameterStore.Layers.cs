namespace SymbolicGrad;

public sealed partial class ParameterStore
{
    /// <summary>
    /// Allocates a batch-normalization layer over <paramref name="features"/> features: γ = 1 and β = 0 as trainable
    /// parameters, running mean 0 and running variance 1 as non-trainable <see cref="State"/>.
    /// </summary>
    /// <param name="features">Number of features (a vector input's length, an image input's channels).</param>
    /// <param name="momentum">Weight of a batch's statistics in the running statistics, in [0, 1] (PyTorch's 0.1).</param>
    /// <param name="epsilon">Added to the variance before its square root; positive (PyTorch's 1e-5).</param>
    /// <param name="name">Name of the layer in the layouts (its parts are <c>name.Gamma</c>, …); by default the model field holding it.</param>
    /// <returns>The layer; apply it with <see cref="Ops.BatchNorm(Vec, BatchNorm)"/>.</returns>
    /// <exception cref="InvalidOperationException">A training step is running on the model.</exception>
    public BatchNorm BatchNorm(int features, float momentum = 0.1f, float epsilon = 1e-5f, string? name = null)
    {
        string where = $"Parameters.BatchNorm(features: {features})";
        if (features < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features, $"{where}: there must be at least one feature.");
        }

        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{where}: the momentum must be in [0, 1].");
        }

        if (!(epsilon > 0f) || float.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{where}: epsilon must be positive and finite.");
        }

        return new BatchNorm(this, new LayerName(name, _layout.Count), features, momentum, epsilon);
    }

    /// <summary>
    /// Allocates a 2-D convolution layer: weights <c>outChannels × (inChannels·kernel·kernel)</c> filled by
    /// <paramref name="init"/> and a zero bias per output channel, both trainable.
    /// </summary>
    /// <param name="inChannels">Channels of the input image.</param>
    /// <param name="outChannels">Channels of the output image (filters).</param>
    /// <param name="kernel">Height and width of each filter.</param>
    /// <param name="stride">Step between filter positions (at least 1).</param>
    /// <param name="padding">Zero pixels around the input (at least 0).</param>
    /// <param name="init">
    /// The weights' initializer (fan-in = inChannels·kernel², fan-out = outChannels·kernel²); by default He normal
    /// seeded with the weights' offset in the store, so every layer differs and the same model gets the same values.
    /// </param>
    /// <param name="name">Name of the layer in the layouts (its parts are <c>name.Weights</c>, <c>name.Bias</c>); by default the model field holding it.</param>
    /// <returns>The layer; apply it with <see cref="Ops.Conv2d"/>.</returns>
    /// <exception cref="InvalidOperationException">A training step is running on the model.</exception>
    public Conv2d Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, Initializer? init = null, string? name = null)
    {
        string where = $"Parameters.Conv2d(inChannels: {inChannels}, outChannels: {outChannels}, kernel: {kernel}, stride: {stride}, padding: {padding})";
        Positive(inChannels, nameof(inChannels), where);
        Positive(outChannels, nameof(outChannels), where);
        Positive(kernel, nameof(kernel), where);
        Positive(stride, nameof(stride), where);
        Guard.NotNegative(padding, nameof(padding), where);
        if ((long)inChannels * kernel * kernel * outChannels > Array.MaxLength)
        {
            throw new ArgumentException($"{where}: the weights would exceed {Array.MaxLength} elements.", nameof(kernel));
        }

        int offset = Count;
        var layer = new Conv2d(this, new LayerName(name, _layout.Count), inChannels, outChannels, kernel, stride, padding);
        (init ?? Init.He(offset)).Fill(layer.Weights.Span, fanIn: inChannels * kernel * kernel, fanOut: outChannels * kernel * kernel);
        return layer;
    }

    private static void Positive(int value, string name, string where)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{where}: {name} must be at least 1.");
        }
    }
}
