namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>Changes to the emitted 784-128-10 step that <see cref="GeneratedStepReplica"/> can apply, one by one or together.</summary>
[Flags]
internal enum StepVariant
{
    /// <summary>The step exactly as the generator emits it.</summary>
    AsEmitted = 0,

    /// <summary>The same scalar element-wise loops through refs, without bounds checks.</summary>
    NoBoundsChecks = 1,

    /// <summary><c>t3 = max(t1 + b1, 0)</c> in one Vector256 pass, neither t2 nor the bool mask c1 stored; the backward mask reads t3 &gt; 0.</summary>
    FuseBiasRelu = 2,

    /// <summary>The ReLU mask of the backward pass with Vector256.</summary>
    VectorReluMask = 4,

    /// <summary>LogSumExp, loss and ∂L/∂logits in one <c>Kernels.SoftmaxCrossEntropyRows</c> call.</summary>
    FusedSoftmaxCrossEntropy = 8,

    /// <summary>The biases copied into the GEMM outputs (instead of clearing them) and the products added onto them.</summary>
    BiasPrefill = 16,

    /// <summary>Every change above.</summary>
    All = NoBoundsChecks | FuseBiasRelu | VectorReluMask | FusedSoftmaxCrossEntropy | BiasPrefill,
}
