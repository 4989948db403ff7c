using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// Nesterov accelerated gradient, in the form that keeps the stored parameters at the look-ahead point:
/// G ← βG + ∇, then W ← W − α(∇ + βG). It equals "jump along the old velocity, then correct with the
/// gradient measured there" from the lectures, written so the gradient is taken at the stored parameters.
/// </summary>
public sealed class Nesterov : VelocityOptimizer
{
    /// <summary>Creates Nesterov momentum SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="momentum">The momentum β in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Nesterov(float learningRate, float momentum = 0.9f) : base(learningRate, momentum)
    {
    }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetArrayDataReference(VelocityBuffer);
        float beta = Beta;
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(learningRate);
            var b = Vector256.Create(beta);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                var vi = b * Vector256.LoadUnsafe(ref v, (nuint)i) + gi;
                vi.StoreUnsafe(ref v, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) - a * (gi + b * vi)).StoreUnsafe(ref w, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float vi = beta * Unsafe.Add(ref v, i) + gi;
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref w, i) -= learningRate * (gi + beta * vi);
        }
    }
}
