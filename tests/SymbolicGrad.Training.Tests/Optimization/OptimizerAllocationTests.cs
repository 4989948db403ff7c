namespace SymbolicGrad.Training.Tests.Optimization;

public class OptimizerAllocationTests
{
    [Theory]
    [MemberData(nameof(OptimizerStepTests.AllOptimizers), MemberType = typeof(OptimizerStepTests))]
    public void Steps_after_the_first_allocate_nothing(string name)
    {
        // Every option on, so clipping, penalties and the schedule are all exercised.
        var optimizer = OptimizerStepTests.Create(name, LearningRateSchedule.Cosine(1000).WithWarmup(10), l2: 1e-4f, l1: 1e-5f, clip: 1f);
        var w = new float[1003];
        var g = new float[1003];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = MathF.Sin(i);
            g[i] = MathF.Cos(i);
        }
        optimizer.Step(w, g);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 200; step++)
        {
            optimizer.Step(w, g);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(201, optimizer.StepCount);
        Assert.All(w, x => Assert.True(float.IsFinite(x)));
    }
}
