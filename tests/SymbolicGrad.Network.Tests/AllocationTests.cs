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

    // Bytes allocated on this thread by 1,000 calls, after two calls of warm-up (JIT, lazily created workspaces). A
    // garbage collection started by another test's thread, or the runtime's own one-time work on this thread (seen
    // under load: 6,176 bytes once, in a test whose calls allocate nothing alone), can move this thread's count without the calls
    // allocating, so a measurement that saw bytes is taken again, up to three times. Calls that allocate keep
    // allocating, and fail every time.
    private static long AllocatedBy(Action action)
    {
        action();
        action();
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                action();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        return allocated;
    }
}
