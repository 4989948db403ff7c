using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.SecondOrder;

/// <summary>An MLP written as a loop over its layers: ReLU on all but the last, chosen by a condition on the counter.</summary>
public sealed partial class HvpLayerLoopNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes (<c>sizes[0]</c> inputs, the last the classes); one size alone: no layer.</summary>
    public HvpLayerLoopNet(int[] sizes, int seed)
    {
        W = new Mat[sizes.Length - 1];
        b = new Vec[sizes.Length - 1];
        for (int l = 0; l < W.Length; l++)
        {
            W[l] = Parameters.Matrix(sizes[l + 1], sizes[l], Init.Xavier(seed + 2 * l));
            b[l] = Parameters.Vector(sizes[l + 1], Init.Normal(0.3f, seed + 2 * l + 1));
        }
    }

    /// <summary>h = x; per layer h = W[l]·h + b[l], through ReLU but for the last; softmax cross-entropy of h.</summary>
    [Differentiable(Hessian = true, Jvp = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Relu(W[l] * h + b[l]) : W[l] * h + b[l];
        return SoftmaxCrossEntropy(h, label);
    }
}

/// <summary>Tanh on every layer of the loop, then the mean squared error against a target: curvature in every layer.</summary>
public sealed partial class HvpTanhLayerLoopNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes.</summary>
    public HvpTanhLayerLoopNet(int[] sizes, int seed)
    {
        W = new Mat[sizes.Length - 1];
        b = new Vec[sizes.Length - 1];
        for (int l = 0; l < W.Length; l++)
        {
            W[l] = Parameters.Matrix(sizes[l + 1], sizes[l], Init.Xavier(seed + 2 * l));
            b[l] = Parameters.Vector(sizes[l + 1], Init.Normal(0.3f, seed + 2 * l + 1));
        }
    }

    /// <summary>h = x; per layer h = tanh(W[l]·h + b[l]); Mse(h, y).</summary>
    [Differentiable(Hessian = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = Tanh(W[l] * h + b[l]);
        return Mse(h, y);
    }
}

/// <summary>Sigmoid hidden layers and a linear last one, by the counter, then softmax cross-entropy.</summary>
public sealed partial class HvpSigmoidLayerLoopNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes.</summary>
    public HvpSigmoidLayerLoopNet(int[] sizes, int seed)
    {
        W = new Mat[sizes.Length - 1];
        b = new Vec[sizes.Length - 1];
        for (int l = 0; l < W.Length; l++)
        {
            W[l] = Parameters.Matrix(sizes[l + 1], sizes[l], Init.Xavier(seed + 2 * l));
            b[l] = Parameters.Vector(sizes[l + 1], Init.Normal(0.3f, seed + 2 * l + 1));
        }
    }

    /// <summary>h = x; per layer z = W[l]·h + b[l], sigmoid(z) but for the last; softmax cross-entropy of h.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++)
        {
            Vec z = W[l] * h + b[l];
            h = l < W.Length - 1 ? Sigmoid(z) : z;
        }
        return SoftmaxCrossEntropy(h, label);
    }
}

/// <summary>
/// Layers before, in and after a loop: the loop's first vector moves with the direction (the stem's weights), so every
/// layer hands back ∂L/∂(its input) and its tangent; each residual block reads a field of the model besides its own weights.
/// </summary>
public sealed partial class HvpStemLoopNet : Model
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias, scale;
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>5 → 6, <paramref name="blocks"/> residual 6 → 6 blocks, 6 → 3.</summary>
    public HvpStemLoopNet(int blocks, int seed)
    {
        Stem = Parameters.Matrix(6, 5, Init.Xavier(seed));
        stemBias = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        scale = Parameters.Vector(6, Init.Normal(0.5f, seed + 2));
        W = new Mat[blocks];
        b = new Vec[blocks];
        for (int l = 0; l < blocks; l++)
        {
            W[l] = Parameters.Matrix(6, 6, Init.Xavier(seed + 3 + 2 * l));
            b[l] = Parameters.Vector(6, Init.Normal(0.3f, seed + 4 + 2 * l));
        }
        Head = Parameters.Matrix(3, 6, Init.Xavier(seed + 50));
    }

    /// <summary>h = tanh(Stem·x + stemBias); per block h = h + scale ⊙ tanh(W[l]·h + b[l]); Mse(Head·h, y).</summary>
    [Differentiable(Hessian = true, Jvp = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = Tanh(Stem * x + stemBias);
        for (int l = 0; l < W.Length; l++) h = h + scale * Tanh(W[l] * h + b[l]);
        return Mse(Head * h, y);
    }
}

/// <summary>
/// A loop over layers with names the Hvp's own code uses: layer arrays W and w, a field named batch read by every
/// layer, a carried vector named gradientTangent, a counter named seed and an input named tH.
/// </summary>
public sealed partial class HvpLayerOddNames : Model
{
    private readonly Mat[] W;
    private readonly Vec[] w;
    private readonly Vec batch;

    /// <summary>Three sigmoid layers 4 → 5 → 5 → 5, each scaled by batch.</summary>
    public HvpLayerOddNames(int seed)
    {
        W = [Parameters.Matrix(5, 4, Init.Xavier(seed)), Parameters.Matrix(5, 5, Init.Xavier(seed + 1)), Parameters.Matrix(5, 5, Init.Xavier(seed + 2))];
        w = [Parameters.Vector(5, Init.Normal(0.3f, seed + 3)), Parameters.Vector(5, Init.Normal(0.3f, seed + 4)), Parameters.Vector(5, Init.Normal(0.3f, seed + 5))];
        batch = Parameters.Vector(5, Init.Normal(1f, seed + 6));
    }

    /// <summary>Softmax cross-entropy of sigmoid layers, each scaled by batch.</summary>
    [Differentiable(Hessian = true)]
    public float Loss([NoDiff] Vec tH, int label)
    {
        Vec gradientTangent = tH;
        for (int seed = 0; seed < W.Length; seed++) gradientTangent = batch * Sigmoid(W[seed] * gradientTangent + w[seed]);
        return SoftmaxCrossEntropy(gradientTangent, label);
    }
}
