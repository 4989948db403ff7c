using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public class GradientCheckTests
{
    static (Mat Inputs, int[] Labels) Batch(int rows, int features, int classes, int seed)
    {
        var data = Synthetic.Blobs(rows, features, classes, separation: 1f, seed);
        return (new Mat(data.Features, rows, features), data.Labels!);
    }

    [Fact]
    public void Softmax_regression_gradient_matches_finite_differences()
    {
        var model = new SoftmaxRegression(features: 6, classes: 4, seed: 1);
        var (x, y) = Batch(16, 6, 4, seed: 2);

        var report = GradientCheck.Run(model, x, y, samples: 28, seed: 3);

        Assert.True(report.Passed, report.ToString());
        Assert.True(report.WorstRelativeError < 5e-3, report.ToString()); // float rounding of the loss, not truncation
        Assert.Equal(28, report.Samples.Count); // all 24 weights + 4 biases
        Assert.Equal(28, report.Samples.Select(s => s.Index).Distinct().Count());
    }

    [Fact]
    public void Mlp_gradient_matches_finite_differences_and_covers_every_parameter()
    {
        var model = new TinyMlp(inputs: 5, hidden: 8, classes: 3, seed: 4);
        var (x, y) = Batch(12, 5, 3, seed: 5);

        var report = GradientCheck.Run(model, x, y, samples: 60, seed: 6);

        Assert.True(report.Passed, report.ToString());
        // Spread evenly: the 3 + 8 elements of b2 and b1 all, then W2 (24) and W1 (40) share the rest.
        Assert.Equal(25, report.Samples.Count(s => s.Name.StartsWith("W1[", StringComparison.Ordinal)));
        Assert.Equal(8, report.Samples.Count(s => s.Name.StartsWith("b1[", StringComparison.Ordinal)));
        Assert.Equal(24, report.Samples.Count(s => s.Name.StartsWith("W2[", StringComparison.Ordinal)));
        Assert.Equal(3, report.Samples.Count(s => s.Name.StartsWith("b2[", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_relu_kink_inside_the_step_is_left_out_instead_of_failing_the_check()
    {
        var model = new TinyMlp(inputs: 5, hidden: 8, classes: 3, seed: 4);
        var (x, y) = Batch(12, 5, 3, seed: 5);
        // Put row 0's pre-activation of hidden unit 3 at 0.002: b1[3] ± 0.01 moves it across the ReLU's kink.
        var w1 = model.Parameters.Layout[0];
        var b1 = model.Parameters.Layout[1];
        var values = model.Parameters.Values;
        float z = 0;
        for (int j = 0; j < 5; j++)
        {
            z += values[w1.Offset + 3 * 5 + j] * x[0, j];
        }

        values[b1.Offset + 3] = 0.002f - z;

        var report = GradientCheck.Run(model, x, y, samples: 100, seed: 6);

        var sample = report.Samples.Single(s => s.Name == "b1[3]");
        Assert.True(sample.KinkedRows >= 1, sample.ToString());
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void A_backward_pass_that_ignores_the_relu_mask_is_flagged_in_the_first_layer()
    {
        var model = new TinyMlp(inputs: 5, hidden: 8, classes: 3, seed: 4, forgetReluMask: true);
        var (x, y) = Batch(12, 5, 3, seed: 5);

        var report = GradientCheck.Run(model, x, y, samples: 60, seed: 6);

        Assert.False(report.Passed);
        Assert.True(report.WorstRelativeError > 0.1, report.ToString());
        Assert.Matches(@"^(W1\[\d+, \d+\]|b1\[\d+\])$", report.WorstParameter);
        // The second layer does not depend on the mask, so its gradient still checks out.
        Assert.All(report.Samples.Where(s => s.Name.StartsWith("W2", StringComparison.Ordinal) || s.Name.StartsWith("b2", StringComparison.Ordinal)),
            s => Assert.True(s.RelativeError < report.Tolerance, s.ToString()));
        Assert.Throws<InvalidOperationException>(report.ThrowIfFailed);
    }

    [Fact]
    public void A_gradient_ten_percent_too_large_in_one_bias_is_flagged_there()
    {
        var inner = new SoftmaxRegression(features: 6, classes: 4, seed: 1);
        var bias = inner.Parameters.Layout[1];
        var model = new FaultyModel(inner) { ScaledRange = (bias.Offset, bias.Length), GradientScale = 1.1f };
        var (x, y) = Batch(16, 6, 4, seed: 2);

        var report = GradientCheck.Run(model, x, y, samples: 28, seed: 3);

        Assert.False(report.Passed);
        Assert.StartsWith("b[", report.WorstParameter);
        Assert.InRange(report.WorstRelativeError, 0.05, 0.15); // |1.1a − a| / 1.1|a| ≈ 0.09
        Assert.Contains(report.WorstParameter, report.ToString());
    }

    [Fact]
    public void Parameters_and_gradients_are_restored_bit_for_bit()
    {
        var model = new TinyMlp(inputs: 5, hidden: 8, classes: 3, seed: 4);
        var (x, y) = Batch(12, 5, 3, seed: 5);
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            model.Parameters.Gradients[i] = i * 0.25f;
        }

        float[] values = model.Parameters.Values.ToArray();
        float[] gradients = model.Parameters.Gradients.ToArray();

        GradientCheck.Run(model, x, y, samples: 20);

        Assert.Equal(values, model.Parameters.Values.ToArray());
        Assert.Equal(gradients, model.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var model = new SoftmaxRegression(3, 2);
        var x = new Mat(4, 3);
        Assert.Throws<ArgumentException>(() => GradientCheck.Run(model, x, new[] { 0, 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCheck.Run(model, x, new[] { 0, 1, 0, 1 }, samples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCheck.Run(model, x, new[] { 0, 1, 0, 1 }, relativeStep: 0f));
    }
}
