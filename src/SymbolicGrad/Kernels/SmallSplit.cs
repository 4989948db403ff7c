namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The size from which the memory-bound vector passes (<see cref="VectorJob"/>, <c>OuterJob</c>) split over the
/// worker pool, per calling thread. Whether a pass of 32 K–128 K floats (the 784-128 layer at batch 1) is faster on one
/// core or two depends on how fast the machine's cores hand data to each other, which differs between hosts and, on a
/// virtual machine, from hour to hour: on one 2-core VM the batch-1 step took 12.2 µs alone against 14–15 µs split, on
/// the same kind of VM another day 7.1 µs split against 10.3 µs alone. A <see cref="Trainer"/> therefore measures both
/// (<see cref="SmallSplitTuner"/>) and sets its choice here for its steps. Rows and columns are independent in these
/// passes: the choice changes no result, only the time.
/// </summary>
internal static class SmallSplit
{
    /// <summary>Elements a part needs at least when small passes split.</summary>
    internal const long SplitMinPerPart = 16 * 1024;

    [ThreadStatic]
    private static bool t_set;

    [ThreadStatic]
    private static bool t_split;

    [ThreadStatic]
    private static bool t_mattered;

    /// <summary>
    /// The calling thread's choice: true splits passes of at least 2 × <see cref="SplitMinPerPart"/> elements, false
    /// keeps them below 2 × <see cref="KernelSwitches.VectorMinPerPart"/> on the thread, null (the default) follows
    /// <see cref="KernelSwitches.VectorMinPerPart"/>.
    /// </summary>
    internal static bool? Choice
    {
        get => t_set ? t_split : null;
        set
        {
            t_set = value.HasValue;
            t_split = value.GetValueOrDefault();
        }
    }

    /// <summary>Whether a pass since the last <see cref="TakeMattered"/> on this thread would have split differently under the other choice.</summary>
    internal static bool TakeMattered()
    {
        bool mattered = t_mattered;
        t_mattered = false;
        return mattered;
    }

    /// <summary>The parts for a vector pass over <paramref name="work"/> elements, as <see cref="WorkerPool.PartsFor"/> cuts it under the thread's choice.</summary>
    internal static int PartsFor(long work)
    {
        long unsplit = Math.Max(SplitMinPerPart, KernelSwitches.VectorMinPerPart);
        if (!t_set)
        {
            return WorkerPool.PartsFor(work, KernelSwitches.VectorMinPerPart);
        }

        long split = Math.Min(SplitMinPerPart, KernelSwitches.VectorMinPerPart);
        if (WorkerPool.IdleParts(work, split) != WorkerPool.IdleParts(work, unsplit))
        {
            t_mattered = true;
        }

        return WorkerPool.PartsFor(work, t_split ? split : unsplit);
    }
}
