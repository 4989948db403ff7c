namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// The fairness check run before timing: from identical parameters, the generated and the hand-written gradients
/// of one batch must agree to float rounding, and the generated loss must equal the user's method averaged.
/// </summary>
internal static class GradientAgreement
{
    /// <summary>Largest absolute difference tolerated between the two gradients (and the two mean losses).</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>Throws <see cref="InvalidOperationException"/> when the two gradients differ; otherwise returns a one-line summary.</summary>
    public static string Check(
        Model generated, Func<Mat, ReadOnlySpan<int>, float> generatedGradient,
        Model handModel, HandWrittenMlp hand,
        Func<Vec, int, float> userLoss, Mat x, ReadOnlySpan<int> labels, string what)
    {
        if (!generated.Parameters.Values.SequenceEqual(handModel.Parameters.Values))
        {
            throw new InvalidOperationException($"{what}: the two models do not start from the same parameters.");
        }

        generated.Parameters.ZeroGradients();
        handModel.Parameters.ZeroGradients();
        float generatedLoss = generatedGradient(x, labels);
        float handLoss = hand.GradientBatch(x, labels);

        ReadOnlySpan<float> g = generated.Parameters.Gradients;
        ReadOnlySpan<float> h = handModel.Parameters.Gradients;
        float maxDiff = 0f, maxGradient = 0f;
        int worst = -1;
        for (int i = 0; i < g.Length; i++)
        {
            float diff = MathF.Abs(g[i] - h[i]);
            if (diff > maxDiff)
            {
                maxDiff = diff;
                worst = i;
            }

            maxGradient = MathF.Max(maxGradient, MathF.Abs(h[i]));
        }

        double direct = 0;
        for (int r = 0; r < x.Rows; r++)
        {
            direct += userLoss(x.Row(r), labels[r]);
        }

        direct /= x.Rows;
        string summary = $"{what}, batch {x.Rows}: max |∂generated − ∂hand| = {maxDiff:E2} over {g.Length} parameters " +
            $"(max |∂| {maxGradient:E2}); loss generated {generatedLoss:R}, hand {handLoss:R}, user method {direct:R}";
        if (!(maxDiff <= Tolerance) || !(MathF.Abs(generatedLoss - handLoss) <= Tolerance) || !(Math.Abs(generatedLoss - direct) <= 1e-4))
        {
            throw new InvalidOperationException($"Gradient check failed (worst parameter {worst}): {summary}");
        }

        generated.Parameters.ZeroGradients();
        handModel.Parameters.ZeroGradients();
        return summary;
    }
}
