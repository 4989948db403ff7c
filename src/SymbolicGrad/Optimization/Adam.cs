using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>
/// Adam: m ← β₁m + (1 − β₁)∇, v ← β₂v + (1 − β₂)∇², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
/// W ← W − α·m̂/(√v̂ + ε), with t the 1-based step number. <see cref="Optimizer.WeightDecay"/> here is the
/// classic coupled L2 term; <see cref="AdamW"/> decouples it.
/// </summary>
/// <remarks>
/// A moment that becomes subnormal (below 2⁻¹²⁶ in magnitude, e.g. m of a parameter whose gradient stays zero, which
/// decays as β₁ᵗ) is stored as zero: on Intel cores every operation on a subnormal costs a microcode assist, and .NET
/// cannot set the flush-to-zero flag. With such an m, α·m̂/(√v̂ + ε) is below 2⁻⁹⁶ for α ≤ 1 and ε = 10⁻⁸, and a
/// subnormal v changes √v̂ + ε by less than ε's last place, so the flush moves no weight of ordinary magnitude.
/// </remarks>
public class Adam : Optimizer
{
    float[] _m = [];
    float[] _v = [];
    readonly float _decoupledDecay;

    /// <summary>Creates Adam.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite (0.001 is typical).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to √v̂ to avoid division by zero; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : this(learningRate, beta1, beta2, epsilon, 0f)
    {
    }

    /// <summary>Creates Adam with a decoupled weight decay λ: W ← W(1 − αλ) before the Adam update.</summary>
    /// <param name="learningRate">The step size α.</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to √v̂; must be positive.</param>
    /// <param name="decoupledWeightDecay">The decoupled decay λ; zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    protected Adam(float learningRate, float beta1, float beta2, float epsilon, float decoupledWeightDecay)
        : base(learningRate)
    {
        Beta1 = OptimizerChecks.DecayRate(beta1, nameof(beta1), "Adam's β₁");
        Beta2 = OptimizerChecks.DecayRate(beta2, nameof(beta2), "Adam's β₂");
        Epsilon = OptimizerChecks.Positive(epsilon, nameof(epsilon), "Epsilon");
        _decoupledDecay = OptimizerChecks.NonNegative(decoupledWeightDecay, nameof(decoupledWeightDecay), "The decoupled weight decay");
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The ε added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>The first-moment estimate m (empty before the first step).</summary>
    public ReadOnlySpan<float> FirstMoment => _m;

    /// <summary>The second-moment estimate v (empty before the first step).</summary>
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <inheritdoc />
    protected sealed override void Initialize(int parameterCount)
    {
        _m = AlignedBuffer.AllocateArray(parameterCount);
        _v = AlignedBuffer.AllocateArray(parameterCount);
    }

    /// <inheritdoc />
    protected sealed override IReadOnlyList<float[]> StateBuffers => [_m, _v];

    /// <inheritdoc />
    protected sealed override void ResetState()
    {
        _m = [];
        _v = [];
    }

    /// <inheritdoc />
    protected sealed override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m = ref MemoryMarshal.GetArrayDataReference(_m);
        ref float v = ref MemoryMarshal.GetArrayDataReference(_v);
        float b1 = Beta1, b1c = 1f - Beta1, b2 = Beta2, b2c = 1f - Beta2, eps = Epsilon;
        float c1 = (float)(1.0 - Math.Pow(Beta1, step));
        float c2 = (float)(1.0 - Math.Pow(Beta2, step));
        float keep = 1f - learningRate * _decoupledDecay;
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(learningRate);
            var vb1 = Vector256.Create(b1);
            var vb1c = Vector256.Create(b1c);
            var vb2 = Vector256.Create(b2);
            var vb2c = Vector256.Create(b2c);
            var vc1 = Vector256.Create(c1);
            var vc2 = Vector256.Create(c2);
            var ve = Vector256.Create(eps);
            var vkeep = Vector256.Create(keep);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                var mi = UpdateRules.FlushSubnormal(vb1 * Vector256.LoadUnsafe(ref m, (nuint)i) + vb1c * gi);
                var vi = UpdateRules.FlushSubnormal(vb2 * Vector256.LoadUnsafe(ref v, (nuint)i) + vb2c * (gi * gi));
                mi.StoreUnsafe(ref m, (nuint)i);
                vi.StoreUnsafe(ref v, (nuint)i);
                var update = a * (mi / vc1) / (Vector256.Sqrt(vi / vc2) + ve);
                (Vector256.LoadUnsafe(ref w, (nuint)i) * vkeep - update).StoreUnsafe(ref w, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float mi = UpdateRules.FlushSubnormal(b1 * Unsafe.Add(ref m, i) + b1c * gi);
            float vi = UpdateRules.FlushSubnormal(b2 * Unsafe.Add(ref v, i) + b2c * (gi * gi));
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            float update = learningRate * (mi / c1) / (MathF.Sqrt(vi / c2) + eps);
            Unsafe.Add(ref w, i) = Unsafe.Add(ref w, i) * keep - update;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        Invariant($"{GetType().Name}(lr {LearningRate}, β₁ {Beta1}, β₂ {Beta2}, ε {Epsilon}")
        + (_decoupledDecay != 0f ? Invariant($", decoupled decay {_decoupledDecay}") : "")
        + DescribeOptions() + ")";
}
