namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// Hand-derived gradients of single-layer models whose parameters are W (rows × cols) followed by b (rows), computed
/// in double from the parameter values: a reference that owes nothing to finite differences or to the generator.
/// </summary>
public static class ClosedForms
{
    /// <summary>z = W·x + b, in double.</summary>
    public static double[] Layer(ParameterStore parameters, Vec x)
    {
        (int rows, int cols) = Shape(parameters, x);
        ReadOnlySpan<float> values = parameters.Values;
        var z = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double sum = values[rows * cols + i];
            for (int j = 0; j < cols; j++)
            {
                sum += (double)values[i * cols + j] * x[j];
            }

            z[i] = sum;
        }

        return z;
    }

    /// <summary>∂/∂W[i, j] = δᵢ·xⱼ and ∂/∂bᵢ = δᵢ for a loss whose gradient with respect to z is δ.</summary>
    public static double[] FromDelta(ParameterStore parameters, Vec x, double[] delta)
    {
        (int rows, int cols) = Shape(parameters, x);
        var gradient = new double[parameters.Count];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                gradient[i * cols + j] = delta[i] * x[j];
            }

            gradient[rows * cols + i] = delta[i];
        }

        return gradient;
    }

    /// <summary>Mse(W·x + b, t): δᵢ = 2·(zᵢ − tᵢ) / n.</summary>
    public static double[] Mse(ParameterStore parameters, Vec x, Vec target)
    {
        double[] z = Layer(parameters, x);
        double[] delta = [.. z.Select((zi, i) => 2 * (zi - target[i]) / z.Length)];
        return FromDelta(parameters, x, delta);
    }

    /// <summary>Dot(t, relu(W·x + b)): δᵢ = tᵢ where zᵢ &gt; 0, else 0.</summary>
    public static double[] DotRelu(ParameterStore parameters, Vec x, Vec target)
    {
        double[] z = Layer(parameters, x);
        double[] delta = [.. z.Select((zi, i) => zi > 0 ? target[i] : 0.0)];
        return FromDelta(parameters, x, delta);
    }

    /// <summary>SoftmaxCrossEntropy(W·x + b, label): δ = softmax(z) − onehot(label).</summary>
    public static double[] SoftmaxCrossEntropy(ParameterStore parameters, Vec x, int label)
    {
        double[] z = Layer(parameters, x);
        double max = z.Max();
        double[] e = [.. z.Select(zi => Math.Exp(zi - max))];
        double sum = e.Sum();
        double[] delta = [.. e.Select((ei, i) => ei / sum - (i == label ? 1.0 : 0.0))];
        return FromDelta(parameters, x, delta);
    }

    // The layout these closed forms assume: a matrix W then a vector b, nothing else.
    private static (int Rows, int Cols) Shape(ParameterStore parameters, Vec x)
    {
        IReadOnlyList<ParameterInfo> layout = parameters.Layout;
        if (layout.Count != 2 || !layout[0].IsMatrix || layout[0].Offset != 0 || layout[1].IsMatrix ||
            layout[1].Offset != layout[0].Length || layout[1].Length != layout[0].Rows || layout[0].Cols != x.Length)
        {
            throw new ArgumentException("Closed forms need parameters W (rows × x.Length) then b (rows).", nameof(parameters));
        }

        return (layout[0].Rows, layout[0].Cols);
    }
}
