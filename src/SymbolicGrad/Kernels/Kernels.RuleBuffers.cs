namespace SymbolicGrad.CompilerServices;

public static partial class Kernels
{
    /// <summary><c>gradient[i] += scale·derivative[i]</c>: an array's share of a call through a [DerivativeOf] rule.</summary>
    /// <param name="scale">The adjoint of the call's value.</param>
    /// <param name="derivative">∂F/∂array, as the rule added it into a zeroed buffer.</param>
    /// <param name="gradient">The array's gradient, same length.</param>
    public static void RuleAddScaled(double scale, ReadOnlySpan<double> derivative, Span<double> gradient)
    {
        Guard.VectorSpan(gradient.Length, derivative.Length, nameof(gradient), "Kernels.RuleAddScaled", " (the length of derivative)");
        for (int i = 0; i < derivative.Length; i++) gradient[i] += scale * derivative[i];
    }

    /// <inheritdoc cref="RuleAddScaled(double, ReadOnlySpan{double}, Span{double})"/>
    public static void RuleAddScaled(float scale, ReadOnlySpan<float> derivative, Span<float> gradient)
    {
        Guard.VectorSpan(gradient.Length, derivative.Length, nameof(gradient), "Kernels.RuleAddScaled", " (the length of derivative)");
        for (int i = 0; i < derivative.Length; i++) gradient[i] += scale * derivative[i];
    }

    /// <summary>Σ derivative[i]·tangent[i]: the directional derivative through an array operand of a [DerivativeOf] rule.</summary>
    /// <param name="derivative">∂F/∂array, as the rule added it into a zeroed buffer.</param>
    /// <param name="tangent">The array's tangent, same length.</param>
    public static double RuleDot(ReadOnlySpan<double> derivative, ReadOnlySpan<double> tangent)
    {
        Guard.VectorSpan(tangent.Length, derivative.Length, nameof(tangent), "Kernels.RuleDot", " (the length of derivative)");
        double sum = 0;
        for (int i = 0; i < derivative.Length; i++) sum += derivative[i] * tangent[i];
        return sum;
    }

    /// <inheritdoc cref="RuleDot(ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    public static float RuleDot(ReadOnlySpan<float> derivative, ReadOnlySpan<float> tangent)
    {
        Guard.VectorSpan(tangent.Length, derivative.Length, nameof(tangent), "Kernels.RuleDot", " (the length of derivative)");
        float sum = 0;
        for (int i = 0; i < derivative.Length; i++) sum += derivative[i] * tangent[i];
        return sum;
    }
}
