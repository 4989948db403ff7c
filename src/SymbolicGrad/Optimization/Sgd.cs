using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>Plain stochastic gradient descent: W ← W − α∇.</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates plain SGD.</summary>
    /// <param name="learningRate">The step size α; must be positive and finite.</param>
    public Sgd(float learningRate) : base(learningRate)
    {
    }

    /// <inheritdoc />
    protected override void Initialize(int parameterCount)
    {
    }

    /// <inheritdoc />
    protected override void ResetState()
    {
    }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long step)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(learningRate);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var r = Vector256.LoadUnsafe(ref w, (nuint)i) - a * Vector256.LoadUnsafe(ref g, (nuint)i);
                r.StoreUnsafe(ref w, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref w, i) -= learningRate * Unsafe.Add(ref g, i);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Invariant($"SGD(lr {LearningRate}") + DescribeOptions() + ")";
}
