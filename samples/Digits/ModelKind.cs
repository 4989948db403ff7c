namespace SymbolicGrad.Samples.Digits;

/// <summary>The network <c>--model</c> chooses.</summary>
public enum ModelKind
{
    /// <summary>The perceptron 784 → hidden → 10 (<see cref="DigitNet"/>).</summary>
    Mlp,

    /// <summary>The LeNet-style convolutional net (<see cref="DigitCnn"/>, or <see cref="DigitCnnBatchNorm"/> with <c>--batchnorm</c>).</summary>
    Cnn,
}
