using SymbolicGrad.Samples.Xor;

namespace SymbolicGrad.SamplesTests;

public class XorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_trained_net_puts_every_xor_output_on_the_right_side_of_one_half(int seed)
    {
        var (net, history) = XorTraining.Train(seed);

        for (int i = 0; i < 4; i++)
        {
            float prediction = net.Predict(new Vec(XorTraining.Inputs, 2 * i, 2));
            if (XorTraining.Targets[i] == 1)
            {
                Assert.True(prediction > 0.5f, $"seed {seed}, input {i}: {prediction} should be above 0.5");
            }
            else
            {
                Assert.True(prediction < 0.5f, $"seed {seed}, input {i}: {prediction} should be below 0.5");
            }
        }

        Assert.True(history.Last!.TrainLoss < 0.01, $"final loss {history.Last.TrainLoss}");
    }

    [Fact]
    public void Training_is_deterministic()
    {
        var (first, _) = XorTraining.Train(seed: 0);
        var (second, _) = XorTraining.Train(seed: 0);

        Assert.Equal(first.Parameters.Values.ToArray(), second.Parameters.Values.ToArray());
    }

    [Fact]
    public void Predict_is_the_output_the_loss_is_computed_from()
    {
        var net = new XorNet(seed: 4);
        var x = new Vec([1f, 0f]);
        float y = net.Predict(x);

        // Binary cross-entropy of the prediction: −log y for target 1, −log(1 − y) for target 0.
        Assert.Equal(-Math.Log(y), net.Loss(x, new Vec([1f])), 1e-5);
        Assert.Equal(-Math.Log(1 - y), net.Loss(x, new Vec([0f])), 1e-5);
    }

    [Fact]
    public void The_progress_prints_a_line_every_hundred_epochs()
    {
        var output = new StringWriter();

        XorTraining.Train(seed: 0, epochs: 300, output);

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("epoch  100  loss ", lines[0]);
        Assert.StartsWith("epoch  300  loss ", lines[2]);
    }
}
