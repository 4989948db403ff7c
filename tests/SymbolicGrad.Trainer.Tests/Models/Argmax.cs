using System.Numerics.Tensors;

namespace SymbolicGrad.TrainerTests.Models;

public static class Argmax
{
    /// <summary>Rows of the rows × classes scores whose largest entry is at the label.</summary>
    public static int CountCorrect(ReadOnlySpan<float> scores, int classes, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            if (TensorPrimitives.IndexOfMax(scores.Slice(r * classes, classes)) == labels[r])
            {
                correct++;
            }
        }

        return correct;
    }
}
