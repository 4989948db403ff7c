namespace SymbolicGrad;

/// <summary>
/// How many threads SymbolicGrad's kernels may use: the matrix products, matrix–vector and outer products, column
/// sums and optimizer updates of a training step or an evaluation split their output across the calling thread and
/// persistent worker threads. Process-wide.
/// </summary>
/// <remarks>
/// <para>The workers are started on first use and reused; a call never creates a thread and, once warm, allocates
/// nothing. Work below a size threshold stays on the calling thread, where handing it over would cost more than it
/// saves. While work keeps arriving the workers wait for it by spinning briefly, then sleep.</para>
/// <para>Results do not depend on the thread count: work is split over output elements only, and every element is
/// computed by one thread in the same order whatever the count, so training with the same seed gives bit-identical
/// parameters with 1, 2 or 8 threads.</para>
/// </remarks>
public static class Parallelism
{
    /// <summary>The largest value <see cref="MaxThreads"/> accepts.</summary>
    public const int Limit = 256;

    private static int _maxThreads = Math.Clamp(Environment.ProcessorCount, 1, Limit);

    /// <summary>
    /// The most threads a kernel call uses, the calling thread included. Default: every core
    /// (<see cref="Environment.ProcessorCount"/>); 1 runs everything on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1 or more than <see cref="Limit"/>.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref _maxThreads);
        set
        {
            if (value < 1 || value > Limit)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxThreads), value,
                    $"Parallelism.MaxThreads must be between 1 and {Limit}, but {value} was given (1 runs everything on the calling thread).");
            }

            Volatile.Write(ref _maxThreads, value);
        }
    }
}
