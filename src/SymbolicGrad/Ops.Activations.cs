using System.Numerics.Tensors;

namespace SymbolicGrad;

public static partial class Ops
{
    /// <summary>Rectified linear unit <c>max(x, 0)</c> of every element, in a new vector.</summary>
    /// <remarks>In generated gradients its derivative is 1 where the output is positive and 0 elsewhere, including at x = 0 (as in PyTorch).</remarks>
    /// <param name="x">The input.</param>
    public static Vec Relu(Vec x)
    {
        var result = new Vec(x.Length);
        Kernels.Relu(x.Span, result.Span);
        return result;
    }

    /// <summary>Leaky ReLU: <c>x</c> where x &gt; 0, else <c>slope · x</c>, in a new vector.</summary>
    /// <param name="x">The input.</param>
    /// <param name="slope">Slope for negative inputs.</param>
    public static Vec LeakyRelu(Vec x, float slope = 0.01f)
    {
        var result = new Vec(x.Length);
        var input = x.Span;
        var output = result.Span;
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = input[i] > 0f ? input[i] : slope * input[i];
        }

        return result;
    }

    /// <summary>Logistic sigmoid <c>1 / (1 + e^-x)</c> of every element, in a new vector.</summary>
    /// <param name="x">The input.</param>
    public static Vec Sigmoid(Vec x)
    {
        var result = new Vec(x.Length);
        TensorPrimitives.Sigmoid(x.Span, result.Span);
        return result;
    }

    /// <summary>Hyperbolic tangent of every element, in a new vector.</summary>
    /// <param name="x">The input.</param>
    public static Vec Tanh(Vec x)
    {
        var result = new Vec(x.Length);
        TensorPrimitives.Tanh(x.Span, result.Span);
        return result;
    }

    /// <summary><c>eˣ</c> of every element, in a new vector.</summary>
    /// <param name="x">The input.</param>
    public static Vec Exp(Vec x)
    {
        var result = new Vec(x.Length);
        TensorPrimitives.Exp(x.Span, result.Span);
        return result;
    }

    /// <summary>Natural logarithm of every element, in a new vector (−∞ for 0, NaN for negatives).</summary>
    /// <param name="x">The input.</param>
    public static Vec Log(Vec x)
    {
        var result = new Vec(x.Length);
        TensorPrimitives.Log(x.Span, result.Span);
        return result;
    }

    /// <summary><c>x²</c> of every element, in a new vector.</summary>
    /// <param name="x">The input.</param>
    public static Vec Square(Vec x)
    {
        var result = new Vec(x.Length);
        TensorPrimitives.Multiply(x.Span, x.Span, result.Span);
        return result;
    }

    /// <summary>
    /// Softmax <c>e^(xᵢ − m) / Σⱼ e^(xⱼ − m)</c> with m = max x (so large logits do not overflow), in a new vector.
    /// </summary>
    /// <param name="logits">The input; must not be empty.</param>
    public static Vec Softmax(Vec logits)
    {
        Guard.NotEmpty(logits, "Softmax(logits)", nameof(logits));
        var result = new Vec(logits.Length);
        Kernels.Softmax(logits.Span, result.Span);
        return result;
    }

    /// <summary>Log-softmax <c>xᵢ − log Σⱼ e^xⱼ</c>, computed with the log-sum-exp shift, in a new vector.</summary>
    /// <param name="logits">The input; must not be empty.</param>
    public static Vec LogSoftmax(Vec logits)
    {
        Guard.NotEmpty(logits, "LogSoftmax(logits)", nameof(logits));
        var result = new Vec(logits.Length);
        TensorPrimitives.Subtract(logits.Span, Kernels.LogSumExp(logits.Span), result.Span);
        return result;
    }
}
