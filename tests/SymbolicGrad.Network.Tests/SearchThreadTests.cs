using SymbolicGrad.CompilerServices;
using SymbolicGrad.Network.Tests.Models.Composed;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// A search running trials side by side keeps each trial's kernels on its own thread (no oversubscription), a trial
/// running alone splits its kernels over every thread, and the results are the same either way.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class SearchThreadTests
{
    private static Dataset Blobs()
    {
        var random = new Random(3);
        var x = new float[500 * 400];
        var labels = new int[500];
        for (int r = 0; r < 500; r++)
        {
            labels[r] = r % 10;
            for (int j = 0; j < 400; j++) x[r * 400 + j] = (float)(random.NextDouble() - 0.5) + (j % 10 == labels[r] ? 1f : 0f);
        }

        return new Dataset(x, 400, labels, 10);
    }

    private static (string Table, long Dispatches) Search(int trials, int concurrency)
    {
        int saved = Parallelism.MaxThreads;
        WorkerPool.BackOffWhenLate = false; // split whenever allowed, even on a busy machine
        try
        {
            Parallelism.MaxThreads = 2;
            var space = new SearchSpace().LogUniform("lr", 0.01, 0.1).Choice("hidden", 64, 128);
            var search = new HyperparameterSearch(space,
                p => new TrialSetup(new DigitNet(400, p.Get<int>("hidden"), 10, p.Seed), new Momentum(p.Get<float>("lr"), 0.9f), 64),
                new SearchOptions { Epochs = 2, MaxConcurrency = concurrency, Progress = SearchProgress.Silent, Seed = 4 });
            long before = WorkerPool.Dispatches;
            var table = search.Random(Blobs(), trials).ToTable();
            return (table, WorkerPool.Dispatches - before);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
            WorkerPool.BackOffWhenLate = true;
        }
    }

    [Fact]
    public void Trials_side_by_side_run_their_kernels_alone_and_a_lone_trial_uses_every_thread()
    {
        var (sideBySide, dispatchesSideBySide) = Search(trials: 4, concurrency: 2);
        var (oneAtATime, dispatchesOneAtATime) = Search(trials: 4, concurrency: 1);

        Assert.Equal(0, dispatchesSideBySide);
        Assert.True(dispatchesOneAtATime > 0, "a trial running alone did not split its kernels");
        Assert.Equal(oneAtATime, sideBySide);
    }
}
