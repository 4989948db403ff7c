using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>After warm-up, generated code allocates nothing: not per sample, not per batch.</summary>
public sealed class AllocationTests
{
    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Fact]
    public void DigitNet_training_calls_allocate_nothing_after_warm_up()
    {
        // A DigitNet of a size where the kernels take their vector paths: 64 → 32 → 10, batches of 16.
        var data = new SampleData(DataSpec.Labels(64, 10), 16, seed: 3, DataLayout.Copies);
        var c = new LabelCase<DigitNet, DigitNet.LossWorkspace>(nameof(DigitNet), "composed", new DigitNet(64, 32, 10, seed: 1), data);
        Assert.Equal(0, AllocatedBy(() => c.LossGradient(3)));
        Assert.Equal(0, AllocatedBy(() => c.LossGradientBatch(0, 16)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossGradient_and_LossGradientBatch_allocate_nothing_after_warm_up(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        Assert.Equal(0, AllocatedBy(() => c.LossGradient(3)));
        Assert.Equal(0, AllocatedBy(() => c.LossGradientBatch(0, NetworkCatalogue.SampleCount)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Workspace_and_forward_only_calls_allocate_nothing_after_warm_up(string name)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        object workspace = c.NewWorkspace();
        Assert.Equal(0, AllocatedBy(() =>
        {
            c.LossForward(workspace, 2);
            c.LossBackward(workspace, 2);
        }));
        Assert.Equal(0, AllocatedBy(() =>
        {
            c.LossForwardBatch(workspace, 0, 5);
            c.LossBackwardBatch(workspace, 0, 5);
        }));
        Assert.Equal(0, AllocatedBy(() => c.LossBatch(0, 5)));
    }

    // Bytes allocated on this thread by 1,000 calls, after two calls of warm-up (JIT, lazily created workspaces).
    private static long AllocatedBy(Action action)
    {
        action();
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
