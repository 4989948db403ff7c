using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>The generated forward passes compute the user's method, and touch nothing they should not.</summary>
public sealed class ForwardTests
{
    // Generated code may fuse and reorder float operations; the user's method is evaluated op by op.
    private const double Tolerance = 1e-5;

    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_losses_equal_the_users_method(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        for (int i = 0; i < c.Data.Count; i++)
        {
            float expected = c.Loss(i);
            Assert.True(float.IsFinite(expected), $"{name}: the user's method is not finite on sample {i}");
            Expect.Close(c.LossGradient(i), expected, Tolerance, $"{name}.LossGradient on sample {i}");
            Expect.Close(c.LossForward(workspace, i), expected, Tolerance, $"{name}.LossForward on sample {i}");
        }

        double mean = c.MeanLoss(0, c.Data.Count);
        Expect.Close(c.LossBatch(0, c.Data.Count), mean, Tolerance, $"{name}.LossBatch");
        Expect.Close(c.LossGradientBatch(0, c.Data.Count), mean, Tolerance, $"{name}.LossGradientBatch");
        Expect.Close(c.LossForwardBatch(workspace, 0, c.Data.Count), mean, Tolerance, $"{name}.LossForwardBatch");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_only_calls_leave_the_gradients_alone(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        c.Parameters.Gradients.Fill(0.25f);
        object workspace = c.NewWorkspace();
        c.LossForward(workspace, 0);
        c.LossBatch(0, 5);
        c.LossForwardBatch(workspace, 0, 5);
        Assert.All(c.Parameters.Gradients.ToArray(), g => Assert.Equal(0.25f, g));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_calls_change_neither_the_parameters_nor_the_samples(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name, DataLayout.Views);
        float[] parameters = c.Parameters.Values.ToArray();
        float[] samples = c.Data.Snapshot();
        object workspace = c.NewWorkspace();
        c.LossGradient(0);
        c.LossForward(workspace, 1);
        c.LossBackward(workspace, 1);
        c.LossGradientBatch(0, c.Data.Count);
        c.LossForwardBatch(workspace, 2, 5);
        c.LossBackwardBatch(workspace, 2, 5);
        c.LossBatch(0, 3);
        Expect.Identical(c.Parameters.Values, parameters, $"{name}: parameter values");
        Expect.Identical(c.Data.Snapshot(), samples, $"{name}: samples");
    }
}
