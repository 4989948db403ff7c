namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>What one sample of a case holds; lengths of 0 mean the method has no such parameter.</summary>
/// <param name="InputLength">Length of the input x.</param>
/// <param name="TargetLength">Length of the target vector, or 0.</param>
/// <param name="Classes">Number of classes of an int label, or 0.</param>
/// <param name="HasScale">Whether the method takes a float data parameter.</param>
/// <param name="TargetElement">Draws one target element (e.g. probabilities for cross-entropy).</param>
public sealed record DataSpec(int InputLength, int TargetLength, int Classes, bool HasScale, Func<Random, float> TargetElement)
{
    /// <summary>Inputs only.</summary>
    public static DataSpec Inputs(int inputLength) => new(inputLength, 0, 0, false, Uniform);

    /// <summary>Inputs and class labels.</summary>
    public static DataSpec Labels(int inputLength, int classes) => new(inputLength, 0, classes, false, Uniform);

    /// <summary>Inputs and target vectors drawn element by element.</summary>
    public static DataSpec Targets(int inputLength, int targetLength, Func<Random, float> element) =>
        new(inputLength, targetLength, 0, false, element);

    /// <summary>U[−1, 1).</summary>
    public static float Uniform(Random random) => (float)(2 * random.NextDouble() - 1);

    /// <summary>U[0, 1): targets of binary cross-entropy and of sigmoid outputs.</summary>
    public static float Probability(Random random) => (float)random.NextDouble();

    /// <summary>±U[4, 5): far from any output of a small layer, so |output − target| never changes sign.</summary>
    public static float Far(Random random) => (float)((random.Next(2) * 2 - 1) * (4 + random.NextDouble()));
}
