namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>Calls made on several threads started together, and their comparison with the same calls made alone.</summary>
public static class Concurrently
{
    /// <summary>
    /// Runs <paramref name="call"/>(thread, iteration) on <paramref name="threads"/> threads started together; a thread's
    /// exception is rethrown here rather than ending the test process.
    /// </summary>
    public static T[][] Run<T>(int threads, int iterations, Func<int, int, T> call)
    {
        var results = new T[threads][];
        var errors = new Exception?[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var mine = new T[iterations];
                start.SignalAndWait();
                for (int j = 0; j < iterations; j++) mine[j] = call(t, j);
                results[t] = mine;
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new AggregateException(error);
        return results;
    }

    /// <summary>
    /// Asserts that every call of <paramref name="call"/>(thread, iteration) gives on <paramref name="threads"/> threads
    /// at once exactly what it gave first, the calls made one after another on this thread.
    /// </summary>
    public static void AssertSameAsSequential<T>(int threads, int iterations, Func<int, int, T> call)
    {
        var expected = new T[threads][];
        for (int t = 0; t < threads; t++)
        {
            expected[t] = new T[iterations];
            for (int j = 0; j < iterations; j++) expected[t][j] = call(t, j);
        }

        var actual = Run(threads, iterations, call);
        for (int t = 0; t < threads; t++) for (int j = 0; j < iterations; j++) Assert.Equal(expected[t][j], actual[t][j]);
    }
}
