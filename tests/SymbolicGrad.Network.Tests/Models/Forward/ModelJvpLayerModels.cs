using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Forward;

/// <summary>An MLP written as a loop over its layers: ReLU on all but the last, chosen by a condition on the counter.</summary>
public sealed partial class JvpLayerLoopNet : Model
{
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>Layers of the given sizes (<c>sizes[0]</c> inputs, the last the classes), biases small and nonzero.</summary>
    public JvpLayerLoopNet(int[] sizes, int seed)
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
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label)
    {
        Vec h = x;
        for (int l = 0; l < W.Length; l++) h = l < W.Length - 1 ? Relu(W[l] * h + b[l]) : W[l] * h + b[l];
        return SoftmaxCrossEntropy(h, label);
    }
}

/// <summary>
/// Layers before, in and after a loop: the loop's first vector moves with the direction (the stem's weights), and each
/// residual block reads a field of the model besides its own weights.
/// </summary>
public sealed partial class JvpStemLoopNet : Model
{
    private readonly Mat Stem, Head;
    private readonly Vec stemBias, scale;
    private readonly Mat[] W;
    private readonly Vec[] b;

    /// <summary>5 → 6, <paramref name="blocks"/> residual 6 → 6 blocks, 6 → 3.</summary>
    public JvpStemLoopNet(int blocks, int seed)
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
    [Differentiable(Jvp = true)]
    public float Error([NoDiff] Vec x, [NoDiff] Vec y)
    {
        Vec h = Tanh(Stem * x + stemBias);
        for (int l = 0; l < W.Length; l++) h = h + scale * Tanh(W[l] * h + b[l]);
        return Mse(Head * h, y);
    }
}

/// <summary>A loop over layers with names that the Jvp's own code uses: a field named batch, inputs named tW and l, a counter named direction, a carried vector named tangent.</summary>
public sealed partial class JvpLayerOddNames : Model
{
    private readonly Mat[] W;
    private readonly Vec[] batch;

    /// <summary>Two tanh layers 4 → 5 → 3.</summary>
    public JvpLayerOddNames(int seed)
    {
        W = [Parameters.Matrix(5, 4, Init.Xavier(seed)), Parameters.Matrix(3, 5, Init.Xavier(seed + 1))];
        batch = [Parameters.Vector(5, Init.Normal(0.3f, seed + 2)), Parameters.Vector(3, Init.Normal(0.3f, seed + 3))];
    }

    /// <summary>Softmax cross-entropy of tanh layers, the last without tanh.</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec tW, int l)
    {
        Vec tangentOf = tW;
        for (int direction = 0; direction < W.Length; direction++)
        {
            Vec workspace = W[direction] * tangentOf + batch[direction];
            tangentOf = direction < W.Length - 1 ? Tanh(workspace) : workspace;
        }
        return SoftmaxCrossEntropy(tangentOf, l);
    }
}

/// <summary>Dropout on the input and on the hidden layer (its Jvp in both modes).</summary>
public sealed partial class JvpDropoutNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly float p;

    /// <summary>5 → 8 (tanh, dropout) → 3.</summary>
    public JvpDropoutNet(float p, int seed)
    {
        W1 = Parameters.Matrix(8, 5, Init.Xavier(seed));
        b1 = Parameters.Vector(8, Init.Normal(0.3f, seed + 1));
        W2 = Parameters.Matrix(3, 8, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        this.p = p;
    }

    /// <summary>SoftmaxCrossEntropy(W2·dropout(tanh(W1·dropout(x) + b1)) + b2, label).</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Dropout(Tanh(W1 * Dropout(x, p) + b1), p) + b2, label);
}

/// <summary>Batch norm on the hidden layer and on the input (its Jvp in evaluation mode).</summary>
public sealed partial class JvpBatchNormNet : Model
{
    private readonly Mat W1, W2;
    private readonly Vec b1, b2;
    private readonly BatchNorm inputNorm, bn;

    /// <summary>4 → (batch norm) → 6 (batch norm, tanh) → 3, γ, β and the running statistics away from 1 and 0.</summary>
    public JvpBatchNormNet(int seed)
    {
        inputNorm = Parameters.BatchNorm(4);
        W1 = Parameters.Matrix(6, 4, Init.Xavier(seed));
        b1 = Parameters.Vector(6, Init.Normal(0.3f, seed + 1));
        bn = Parameters.BatchNorm(6);
        W2 = Parameters.Matrix(3, 6, Init.Xavier(seed + 2));
        b2 = Parameters.Vector(3, Init.Normal(0.3f, seed + 3));
        var random = new Random(seed);
        foreach (var norm in new[] { inputNorm, bn })
        {
            for (int i = 0; i < norm.Features; i++)
            {
                norm.Gamma[i] = 0.5f + (float)random.NextDouble();
                norm.Beta[i] = (float)random.NextDouble() - 0.5f;
                norm.RunningMean[i] = (float)random.NextDouble() - 0.5f;
                norm.RunningVariance[i] = 0.5f + (float)random.NextDouble();
            }
        }
    }

    /// <summary>SoftmaxCrossEntropy(W2·tanh(bn(W1·inputNorm(x) + b1)) + b2, label).</summary>
    [Differentiable(Jvp = true)]
    public float Loss([NoDiff] Vec x, int label) => SoftmaxCrossEntropy(W2 * Tanh(BatchNorm(W1 * BatchNorm(x, inputNorm) + b1, bn)) + b2, label);
}
