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

    /// <summary>
    /// A derivative buffer of <paramref name="length"/> elements for a [DerivativeOf] rule, too long for the stack: rented
    /// from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (allocation-free once warm, and never handed to two
    /// callers at once, however calls nest), to be given back with <see cref="ReturnRuleBuffer{T}(T[])"/>. Not zeroed.
    /// </summary>
    /// <param name="length">The array's length.</param>
    /// <param name="rented">The pooled array, at least <paramref name="length"/> long.</param>
    /// <returns>Its first <paramref name="length"/> elements.</returns>
    public static Span<T> RentRuleBuffer<T>(int length, out T[]? rented)
    {
        var array = System.Buffers.ArrayPool<T>.Shared.Rent(length);
        rented = array;
        return array.AsSpan(0, length);
    }

    /// <summary>Gives back a buffer from <see cref="RentRuleBuffer{T}(int, out T[])"/>; null (the buffer was on the stack): nothing.</summary>
    /// <param name="rented">The pooled array, or null.</param>
    public static void ReturnRuleBuffer<T>(T[]? rented)
    {
        if (rented is not null) System.Buffers.ArrayPool<T>.Shared.Return(rented);
    }
}
