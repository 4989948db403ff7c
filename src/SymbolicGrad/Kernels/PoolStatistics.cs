using System.Diagnostics;

namespace SymbolicGrad.CompilerServices;

/// <summary>Why the caller of a dispatch waited for a part another thread had claimed.</summary>
internal enum Lateness
{
    /// <summary>The helper was asleep when the dispatch came and woke up late: most of the wait was its wake-up.</summary>
    WokeLate,

    /// <summary>The helper was awake but began the late part late (descheduled before it, or busy with earlier parts).</summary>
    StartedLate,

    /// <summary>The late part took long on the wall clock but not in the helper's CPU time: the helper was descheduled.</summary>
    Descheduled,

    /// <summary>The late part took long in the helper's CPU time too: a part slower than the caller's.</summary>
    SlowPart,

    /// <summary>The late part took long on the wall clock; without the helper's CPU time, descheduled and slow look alike.</summary>
    LongPart,
}

/// <summary>A dispatch whose caller waited at least <see cref="PoolStatistics.RecordMicroseconds"/> for another thread.</summary>
/// <param name="Job">The job's name (<see cref="ParallelJob.Name"/>).</param>
/// <param name="Shape">The job's size (<see cref="ParallelJob.Shape"/>: m, n, k of a product).</param>
/// <param name="Parts">The dispatch's parts.</param>
/// <param name="Cause">Why the part was late.</param>
/// <param name="WaitMicroseconds">How long the caller waited after its last part.</param>
/// <param name="WakeMicroseconds">From the dispatch to the helper seeing it (it had been asleep when <paramref name="Parked"/>).</param>
/// <param name="StartMicroseconds">From the dispatch to the late part's start.</param>
/// <param name="PartMicroseconds">The late part's wall-clock time.</param>
/// <param name="PartCpuMicroseconds">The late part's CPU time on the helper (−1 when not measured).</param>
/// <param name="Parked">Whether the helper was asleep when the dispatch came.</param>
/// <param name="SameCpu">Whether the caller and the helper ended their parts on the same CPU.</param>
/// <param name="BackedOff">Whether the wait sent the following dispatches to the caller alone.</param>
/// <param name="Seconds">Seconds since the statistics were last reset.</param>
/// <param name="JitMethods">Methods the JIT had compiled by then (tiering recompiles while a run warms up).</param>
/// <param name="Collections">Garbage collections (all generations) by then.</param>
internal readonly record struct LateDispatch(
    string Job, (int M, int N, int K) Shape, int Parts, Lateness Cause, double WaitMicroseconds, double WakeMicroseconds,
    double StartMicroseconds, double PartMicroseconds, double PartCpuMicroseconds, bool Parked, bool SameCpu,
    bool BackedOff, double Seconds, long JitMethods, int Collections);

/// <summary>Dispatches of one job, shape and part count: how many, their wall time and the caller's waits, in µs.</summary>
internal struct JobTotals
{
    public string Job;
    public (int M, int N, int K) Shape;
    public int Parts;
    public long Count;
    public double DispatchMicroseconds;
    public double WaitMicroseconds;
}

/// <summary>
/// Counters of <see cref="WorkerPool"/>'s dispatches: how long the caller waited for the other threads, how often a
/// helper had to be woken and how late, and every long wait with its cause. Written by the dispatching thread only
/// (one dispatch at a time) while <see cref="Enabled"/>, read by benchmarks between runs.
/// </summary>
internal static class PoolStatistics
{
    /// <summary>The upper bounds (µs) of the caller's wait buckets; the last bucket is everything above.</summary>
    internal static readonly int[] WaitBucketMicroseconds = [1, 10, 100, 1000, 2000];

    /// <summary>Waits at least this long are kept in <see cref="LateDispatches"/>.</summary>
    internal const int RecordMicroseconds = 500;

    private const int MaxRecords = 512;

    private static readonly long[] _waits = new long[6];
    private static readonly long[] _backOffsByCause = new long[5];
    private static readonly LateDispatch[] _late = new LateDispatch[MaxRecords];
    private static int _lateCount;
    private static long _since = Stopwatch.GetTimestamp();
    private static readonly long[] _gaps = new long[6];
    private static long _gapTicks;
    private static readonly JobTotals[] _jobs = new JobTotals[MaxJobs];
    private static int _jobCount;

    private const int MaxJobs = 64;

    /// <summary>The upper bounds (µs) of the buckets of the calling thread's time between dispatches; the last is everything above.</summary>
    internal static readonly int[] GapBucketMicroseconds = [20, 100, 200, 1000, 5000];

    /// <summary>Dispatches by the time the calling thread spent outside the pool since the previous one, per <see cref="GapBucketMicroseconds"/>.</summary>
    internal static ReadOnlySpan<long> Gaps => _gaps;

    /// <summary>Total time between dispatches (the calling thread's serial work, and whatever ran between steps), in µs.</summary>
    internal static double GapMicroseconds => Micro(_gapTicks);

    /// <summary>Dispatch counts and times by job, shape and parts since the last reset.</summary>
    internal static ReadOnlySpan<JobTotals> Jobs => _jobs.AsSpan(0, _jobCount);

    /// <summary>
    /// Whether dispatches are counted at all (off by default: counting costs the dispatching thread a search of the job
    /// table and a pass over the helpers' traces every dispatch); benchmarks that report the counters turn it on.
    /// </summary>
    internal static bool Enabled { get; set; }

    /// <summary>Whether helpers read their CPU time around each part (separates descheduled from slow parts; costs a system call a part).</summary>
    internal static bool MeasureHelperCpu { get; set; }

    /// <summary>Dispatches with more than one thread.</summary>
    internal static long Dispatches { get; private set; }

    /// <summary>Dispatches that found a helper asleep and woke it.</summary>
    internal static long Wakes { get; private set; }

    /// <summary>Total time from such a dispatch to the helper seeing it, in µs.</summary>
    internal static double WakeMicroseconds { get; private set; }

    /// <summary>Dispatches whose helper saw the dispatch only after the caller had finished its own parts.</summary>
    internal static long WokeAfterCallerParts { get; private set; }

    /// <summary>Dispatches whose helper ran no part (the caller took them all).</summary>
    internal static long HelperIdle { get; private set; }

    /// <summary>Dispatches whose caller and helper ended their parts on the same CPU.</summary>
    internal static long SameCpu { get; private set; }

    /// <summary>Waits long enough that the caller went to sleep instead of spinning.</summary>
    internal static long CallerSlept { get; private set; }

    /// <summary>Total time the caller waited for other threads after its last part, in µs.</summary>
    internal static double WaitMicroseconds { get; private set; }

    /// <summary>Dispatches by the caller's wait, one count per bucket of <see cref="WaitBucketMicroseconds"/> (and one above).</summary>
    internal static ReadOnlySpan<long> Waits => _waits;

    /// <summary>Back-offs by <see cref="Lateness"/>.</summary>
    internal static ReadOnlySpan<long> BackOffsByCause => _backOffsByCause;

    /// <summary>The waits of at least <see cref="RecordMicroseconds"/> since the last reset (the first 512).</summary>
    internal static ReadOnlySpan<LateDispatch> LateDispatches => _late.AsSpan(0, Math.Min(_lateCount, MaxRecords));

    /// <summary>Waits of at least <see cref="RecordMicroseconds"/> since the last reset, kept or not.</summary>
    internal static int LateCount => _lateCount;

    /// <summary>Zeroes every counter (call while no dispatch runs).</summary>
    internal static void Reset()
    {
        Dispatches = Wakes = WokeAfterCallerParts = HelperIdle = SameCpu = CallerSlept = 0;
        WakeMicroseconds = WaitMicroseconds = 0;
        Array.Clear(_waits);
        Array.Clear(_backOffsByCause);
        _lateCount = 0;
        Array.Clear(_gaps);
        _gapTicks = 0;
        Array.Clear(_jobs);
        _jobCount = 0;
        _since = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Counts one dispatch by job: its wall time from publishing to the return, the caller's wait after its own parts,
    /// and the time since the previous dispatch ended (<paramref name="gapTicks"/>, negative for the first).
    /// </summary>
    internal static void CountDispatch(ParallelJob job, int parts, long gapTicks, long dispatchTicks, long waitTicks)
    {
        if (gapTicks >= 0)
        {
            _gapTicks += gapTicks;
            double gap = Micro(gapTicks);
            int bucket = 0;
            while (bucket < GapBucketMicroseconds.Length && gap >= GapBucketMicroseconds[bucket])
            {
                bucket++;
            }

            _gaps[bucket]++;
        }

        string name = job.Name;
        var shape = job.Shape;
        int at = 0;
        while (at < _jobCount && !(ReferenceEquals(_jobs[at].Job, name) && _jobs[at].Shape == shape && _jobs[at].Parts == parts))
        {
            at++;
        }

        if (at == MaxJobs)
        {
            return;
        }

        if (at == _jobCount)
        {
            _jobs[at] = new JobTotals { Job = name, Shape = shape, Parts = parts };
            _jobCount++;
        }

        ref var totals = ref _jobs[at];
        totals.Count++;
        totals.DispatchMicroseconds += Micro(dispatchTicks);
        totals.WaitMicroseconds += Micro(waitTicks);
    }

    /// <summary>Counts one dispatch's helper: whether it had to be woken, how fast it came, whether it ran anything and where.</summary>
    internal static void CountHelper(bool parked, long wakeTicks, bool afterCallerParts, bool idle, bool sameCpu)
    {
        if (parked)
        {
            Wakes++;
            WakeMicroseconds += Micro(wakeTicks);
        }

        WokeAfterCallerParts += afterCallerParts ? 1 : 0;
        HelperIdle += idle ? 1 : 0;
        SameCpu += sameCpu ? 1 : 0;
    }

    /// <summary>Counts one dispatch's wait after the caller's last part.</summary>
    internal static void CountWait(long waitTicks, bool slept)
    {
        Dispatches++;
        CallerSlept += slept ? 1 : 0;
        double micro = Micro(waitTicks);
        WaitMicroseconds += micro;
        int bucket = 0;
        while (bucket < WaitBucketMicroseconds.Length && micro >= WaitBucketMicroseconds[bucket])
        {
            bucket++;
        }

        _waits[bucket]++;
    }

    /// <summary>
    /// Classifies a long wait from the late part's times (ticks from the dispatch; CPU time in ns, −1 when not
    /// measured), counts it when it caused a back-off, and keeps it.
    /// </summary>
    internal static void CountLate(
        ParallelJob job, int parts, long waitTicks, long wakeTicks, long startTicks, long partTicks, long partCpuNanoseconds,
        bool parked, bool sameCpu, bool backedOff)
    {
        double wait = Micro(waitTicks), part = Micro(partTicks), cpu = partCpuNanoseconds < 0 ? -1 : partCpuNanoseconds / 1e3;
        Lateness cause = part >= wait / 2 ? cpu < 0 ? Lateness.LongPart : part - cpu >= cpu ? Lateness.Descheduled : Lateness.SlowPart
            : parked && Micro(wakeTicks) >= wait / 2 ? Lateness.WokeLate
            : Lateness.StartedLate;
        if (backedOff)
        {
            _backOffsByCause[(int)cause]++;
        }

        if (_lateCount < MaxRecords)
        {
            _late[_lateCount] = new LateDispatch(job.Name, job.Shape, parts, cause, wait, Micro(wakeTicks), Micro(startTicks), part, cpu,
                parked, sameCpu, backedOff, Micro(Stopwatch.GetTimestamp() - _since) / 1e6, System.Runtime.JitInfo.GetCompiledMethodCount(),
                GC.CollectionCount(0));
        }

        _lateCount++;
    }

    private static double Micro(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
