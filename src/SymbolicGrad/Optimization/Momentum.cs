using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// SGD with momentum in the heavy-ball form of the lectures: G ← βG + ∇, then W ← W − αG (G starts at zero).
/// </summary>
public sealed class Momentum : VelocityOptimizer
{
    /// <summary>Creates momentum SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    /// <param name="momentum">The momentum β in [0, 1); 0.9 is the usual choice.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Momentum(float learningRate, float momentum = 0.9f) : base(learningRate, momentum)
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
                var vi = b * Vector256.LoadUnsafe(ref v, (nuint)i) + Vector256.LoadUnsafe(ref g, (nuint)i);
                vi.StoreUnsafe(ref v, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) - a * vi).StoreUnsafe(ref w, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float vi = beta * Unsafe.Add(ref v, i) + Unsafe.Add(ref g, i);
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref w, i) -= learningRate * vi;
        }
    }
}
