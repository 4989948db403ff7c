using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Forward and backward with an explicit workspace: together they are LossGradient, and a workspace holds every
/// intermediate, so several can be in flight on one model and one serves batches of any size.
/// </summary>
public sealed class WorkspaceTests
{
    // LossGradient may fuse what Forward and Backward do apart; the sums are the same up to rounding.
    private const double Tolerance = 1e-6;

    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Fact]
    public void A_release_leaves_another_threads_claim_alone()
    {
        // The refused backward pass's two releases: CheckForward releases and throws, another thread claims the
        // workspace, then the refused pass's finally releases again. The other thread's claim must survive it.
        var claim = new int[1];
        CompilerServices.Workspace.Enter(ref claim[0], "W", "M");
        Assert.Throws<InvalidOperationException>(() => CompilerServices.Workspace.CheckForward(ref claim[0], -1, 0, 1, "W", "M"));
        Assert.Equal(0, claim[0]);
        int other = 0;
        using var claimed = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            CompilerServices.Workspace.Enter(ref claim[0], "W", "M");
            other = Environment.CurrentManagedThreadId;
            claimed.Set();
            release.Wait();
            CompilerServices.Workspace.Exit(ref claim[0]);
        });
        thread.Start();
        claimed.Wait();
        try
        {
            CompilerServices.Workspace.Exit(ref claim[0]); // the refused pass's finally
            Assert.Equal(other, Volatile.Read(ref claim[0]));
            var refused = Assert.Throws<InvalidOperationException>(() => CompilerServices.Workspace.Enter(ref claim[0], "W", "M"));
            Assert.Contains($"managed thread {other}", refused.Message);
        }
        finally
        {
            release.Set();
            thread.Join();
        }

        Assert.Equal(0, claim[0]);
        CompilerServices.Workspace.Enter(ref claim[0], "W", "M");
        CompilerServices.Workspace.Exit(ref claim[0]);
        Assert.Equal(0, claim[0]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_then_Backward_equals_LossGradient(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        for (int i = 0; i < 3; i++)
        {
            float expectedLoss = 0, loss = 0;
            float[] expected = c.GradientOf(() => expectedLoss = c.LossGradient(i));
            float[] actual = c.GradientOf(() =>
            {
                loss = c.LossForward(workspace, i);
                c.LossBackward(workspace, i);
            });
            Expect.Close(loss, expectedLoss, Tolerance, $"{name}.LossForward on sample {i}");
            Expect.Close(actual, expected, Tolerance, $"{name}: LossForward + LossBackward on sample {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_Forward_then_Backward_equals_LossGradientBatch(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        float expectedLoss = 0, loss = 0;
        float[] expected = c.GradientOf(() => expectedLoss = c.LossGradientBatch(2, 5));
        float[] actual = c.GradientOf(() =>
        {
            loss = c.LossForwardBatch(workspace, 2, 5);
            c.LossBackwardBatch(workspace, 2, 5);
        });
        Expect.Close(loss, expectedLoss, Tolerance, $"{name}.LossForwardBatch");
        Expect.Close(actual, expected, Tolerance, $"{name}: LossForwardBatch + LossBackwardBatch");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_run_twice_on_one_forward_adds_the_same_gradient_twice(string name)
    {
        // Buffers are overwritten in place within a pass, never across: the backward pass leaves the forward values intact.
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        c.LossForwardBatch(workspace, 1, 6);
        float[] once = c.GradientOf(() => c.LossBackwardBatch(workspace, 1, 6));
        float[] twice = c.GradientOf(() =>
        {
            c.LossBackwardBatch(workspace, 1, 6);
            c.LossBackwardBatch(workspace, 1, 6);
        });
        Expect.Close(twice, once.Select(g => 2 * g).ToArray(), Tolerance, $"{name}: LossForwardBatch, then LossBackwardBatch twice");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Two_workspaces_in_flight_keep_their_own_intermediates(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        float[] first = c.GradientOf(() => c.LossGradient(0));
        float[] second = c.GradientOf(() => c.LossGradient(1));
        float[] firstBatch = c.GradientOf(() => c.LossGradientBatch(0, 5));
        float[] secondBatch = c.GradientOf(() => c.LossGradientBatch(5, 12));

        object a = c.NewWorkspace(), b = c.NewWorkspace();
        float[] interleaved = c.GradientOf(() =>
        {
            c.LossForward(a, 0);
            c.LossForward(b, 1);
            c.LossBackward(a, 0);
            c.LossBackward(b, 1);
        });
        Expect.Close(interleaved, Sum(first, second), Tolerance, $"{name}: Forward(a, 0), Forward(b, 1), Backward(a, 0), Backward(b, 1)");

        float[] interleavedBatches = c.GradientOf(() =>
        {
            c.LossForwardBatch(a, 0, 5);
            c.LossForwardBatch(b, 5, 12);
            c.LossBackwardBatch(a, 0, 5);
            c.LossBackwardBatch(b, 5, 12);
        });
        Expect.Close(interleavedBatches, Sum(firstBatch, secondBatch), Tolerance, $"{name}: two batches in flight");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_workspace_serves_samples_and_batches_of_any_size(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        foreach ((int start, int count) in new[] { (0, 5), (0, NetworkCatalogue.SampleCount), (4, 1), (6, 3) })
        {
            float[] expected = c.GradientOf(() => c.LossGradientBatch(start, count));
            float[] actual = c.GradientOf(() =>
            {
                c.LossForwardBatch(workspace, start, count);
                c.LossBackwardBatch(workspace, start, count);
            });
            Expect.Close(actual, expected, Tolerance, $"{name}: reused workspace, batch of {count} from sample {start}");

            float[] expectedSample = c.GradientOf(() => c.LossGradient(start));
            float[] actualSample = c.GradientOf(() =>
            {
                c.LossForward(workspace, start);
                c.LossBackward(workspace, start);
            });
            Expect.Close(actualSample, expectedSample, Tolerance, $"{name}: reused workspace, sample {start} after a batch");
        }
    }

    private static double[] Sum(float[] a, float[] b) => [.. a.Zip(b, (x, y) => (double)x + y)];
}
