using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// RMSprop: S ← ρS + (1 − ρ)∇², then W ← W − α∇ / (√S + ε) (S starts at zero).
/// </summary>
/// <remarks>
/// S is stored as zero when it becomes subnormal (below 2⁻¹²⁶, e.g. after many steps of zero gradient): on Intel cores
/// every operation on a subnormal costs a microcode assist, and .NET cannot set the flush-to-zero flag. √S of a
/// subnormal S is below 2⁻⁶³, far under any ε in use, so the step it feeds is unchanged in practice.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    float[] _meanSquare = [];

    /// <summary>Creates RMSprop.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite (0.001 is typical).</param>
    /// <param name="decay">The decay ρ of the running mean of squared gradients, in [0, 1).</param>
    /// <param name="epsilon">Added to √S to avoid division by zero; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public RmsProp(float learningRate = 0.001f, float decay = 0.9f, float epsilon = 1e-8f) : base(learningRate)
    {
        Decay = OptimizerChecks.DecayRate(decay, nameof(decay), "The RMSprop decay ρ");
        Epsilon = OptimizerChecks.Positive(epsilon, nameof(epsilon), "Epsilon");
    }

    /// <summary>The decay ρ.</summary>
    public float Decay { get; }

    /// <summary>The ε added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The running mean of squared gradients S (empty before the first step).</summary>
    public ReadOnlySpan<float> MeanSquare => _meanSquare;

    /// <inheritdoc />
    protected override void Initialize(int parameterCount) => _meanSquare = AlignedBuffer.AllocateArray(parameterCount);

    /// <inheritdoc />
    protected override void ResetState() => _meanSquare = [];

    /// <inheritdoc />
    protected override IReadOnlyList<float[]> StateBuffers => [_meanSquare];

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float s = ref MemoryMarshal.GetArrayDataReference(_meanSquare);
        float rho = Decay, oneMinusRho = 1f - Decay, eps = Epsilon;
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(learningRate);
            var r = Vector256.Create(rho);
            var r1 = Vector256.Create(oneMinusRho);
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                var si = UpdateRules.FlushSubnormal(r * Vector256.LoadUnsafe(ref s, (nuint)i) + r1 * (gi * gi));
                si.StoreUnsafe(ref s, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) - a * gi / (Vector256.Sqrt(si) + e)).StoreUnsafe(ref w, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float si = UpdateRules.FlushSubnormal(rho * Unsafe.Add(ref s, i) + oneMinusRho * (gi * gi));
            Unsafe.Add(ref s, i) = si;
            Unsafe.Add(ref w, i) -= learningRate * gi / (MathF.Sqrt(si) + eps);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Invariant($"RMSprop(lr {LearningRate}, ρ {Decay}, ε {Epsilon}") + DescribeOptions() + ")";
}
