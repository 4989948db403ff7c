using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>Work cut into parts that may run on different threads at once; no two parts write the same memory.</summary>
internal abstract class ParallelJob
{
    private readonly string _name;

    /// <summary>Names the job after its type.</summary>
    protected ParallelJob() => _name = GetType().Name;

    /// <summary>Runs part <paramref name="part"/> of the job.</summary>
    internal abstract void Run(int part);

    /// <summary>What the current dispatch computes, for <see cref="PoolStatistics"/> (a constant string: no allocation).</summary>
    internal virtual string Name => _name;

    /// <summary>The current dispatch's size, for <see cref="PoolStatistics"/> (m, n, k of a product).</summary>
    internal virtual (int M, int N, int K) Shape => default;
}

/// <summary>
/// The persistent threads behind <see cref="Parallelism.MaxThreads"/>: a dispatch hands the parts of one job to the
/// calling thread and up to <c>threads − 1</c> workers, and returns when every part has run.
/// </summary>
/// <remarks>
/// <para>One dispatch at a time: a caller that finds the pool busy (another thread's dispatch, or a kernel called from
/// inside a part) runs its work alone. A part is claimed by compare-and-swap on its slot, so each runs exactly once;
/// thread t first tries its own block of parts (<see cref="OwnParts"/>: the same rows of a matrix land on the same core
/// from one call to the next, and stay in its cache, and neighbouring parts share no cache line between threads), then
/// takes any part still unclaimed, so a thread that is descheduled on a busy machine
/// does not hold the others up. Which thread runs a part never changes the result.</para>
/// <para>Waiting workers spin for 200 µs after their last part (a training step dispatches every few microseconds),
/// then keep watching for the next dispatch while yielding their core to any other thread that wants it, up to
/// <see cref="SpinMicroseconds"/> (1 ms: through a step's serial parts between products), then sleep on a monitor
/// until the next dispatch wakes them. On a machine with more runnable
/// threads than cores a claimed part can be descheduled for a whole time slice; a caller that had to wait that long
/// runs alone for a while (<see cref="StragglerMicroseconds"/>): briefly after a lone late part (a kernel thread or the
/// JIT took the core once), twice as long each time lateness follows soon after the last back-off (a machine with more
/// runnable threads than cores), up to <see cref="MaxBackoffMilliseconds"/>. The caller spins while it waits; it can be
/// told to sleep after <see cref="CallerSpinMicroseconds"/> instead (a helper descheduled on the caller's own core then
/// gets it), which measured no gain on this 2-core machine, so it is off.</para>
/// <para>Every dispatch is counted in <see cref="PoolStatistics"/> (timestamps only; the helper's CPU time per part on
/// request), so benchmarks can say why the caller waited.</para>
/// </remarks>
internal static class WorkerPool
{
    /// <summary>The most parts one dispatch may have.</summary>
    internal const int MaxParts = 511;


    // A caller that waited this long for a part another thread had claimed met a descheduled thread (an
    // oversubscribed machine: on an idle one the parts end within microseconds of each other), so the dispatches of
    // the next few milliseconds (5 after a lone late part, doubling up to 100 while lateness keeps coming back) run on
    // the calling thread alone, where waiting for a thread that is not running cannot happen. The results are the
    // same either way.
    private const int StragglerMicroseconds = 2000;
    private const int MinBackoffMilliseconds = 5;
    private const int MaxBackoffMilliseconds = 100;
    private const int ThreadBits = 9;
    private const int PartBits = 9;

    // generation << 18 | threads << 9 | parts, replaced as a whole by each dispatch.
    private static long _state;
    private static long _generation;
    private static readonly long[] _claims = new long[MaxParts];
    private static int _done;
    private static int _busy;
    private static ParallelJob? _job;
    private static Exception? _error;
    private static readonly object _sleep = new();
    private static int _sleepers;
    private static readonly List<Thread> _workers = [];
    private static int _workerCount;
    // Workers spin EagerSpinTicks after their last part, then keep checking for the next dispatch between yields of
    // their core until SpinMicroseconds (a training step's serial parts between products last up to about 1 ms: a
    // sleeping worker costs the next dispatch a wake-up of 30–40 µs, or milliseconds on a loaded machine), then sleep.
    private static long _spinTicks = Ticks(1000);
    private static readonly long EagerSpinTicks = Ticks(200);
    private static long _callerSpinTicks = long.MaxValue;
    private static readonly long StragglerTicks = Stopwatch.Frequency * StragglerMicroseconds / 1_000_000;
    private static readonly long MinBackoffTicks = Stopwatch.Frequency * MinBackoffMilliseconds / 1_000;
    private static readonly long MaxBackoffTicks = Stopwatch.Frequency * MaxBackoffMilliseconds / 1_000;
    private static long _aloneUntil;
    private static long _backoffTicks;

    // Where each thread (0: the caller) is in the current dispatch, one per 128 bytes, for PoolStatistics.
    private static readonly Trace[] _traces = new Trace[Parallelism.Limit + 1];
    private static long _published;
    private static long _lastEnd;
    private static int _parts;

    // The caller sleeps on this once it has waited CallerSpinMicroseconds for the other threads' parts.
    private static readonly object _callerWake = new();
    private static int _callerSleeping;

    /// <summary>
    /// Whether each thread runs exactly its own block of parts (<see cref="OwnParts"/>) and takes none of another's, so
    /// every worker runs a part of every dispatch whatever the scheduling: a test's warm-up uses it to grow every
    /// thread's per-thread buffers for every product before it measures. Off by default (a late thread's parts are taken).
    /// </summary>
    internal static bool OwnPartsOnly { get; set; }

    /// <summary>Whether a late part sends the following dispatches to the calling thread alone (tests that check the split turn it off).</summary>
    internal static bool BackOffWhenLate { get; set; } = true;

    /// <summary>How long an idle worker spins for the next dispatch before it sleeps, in µs (benchmarks compare settings).</summary>
    internal static int SpinMicroseconds
    {
        get => (int)(Volatile.Read(ref _spinTicks) * 1_000_000 / Stopwatch.Frequency);
        set => Volatile.Write(ref _spinTicks, Ticks(value));
    }

    /// <summary>How long the caller spins for the other threads' parts before it sleeps, in µs; negative: it never sleeps.</summary>
    internal static int CallerSpinMicroseconds
    {
        get => _callerSpinTicks == long.MaxValue ? -1 : (int)(_callerSpinTicks * 1_000_000 / Stopwatch.Frequency);
        set => _callerSpinTicks = value < 0 ? long.MaxValue : Ticks(value);
    }

    private static long Ticks(int microseconds) => Stopwatch.Frequency * microseconds / 1_000_000;

    /// <summary>
    /// The number of parts to cut <paramref name="work"/> units into so each part has at least
    /// <paramref name="minPerPart"/>: between 1 and <see cref="Parallelism.MaxThreads"/> (and <paramref name="maxParts"/>).
    /// </summary>
    internal static int PartsFor(long work, long minPerPart, int maxParts = MaxParts) =>
        BackOffWhenLate && Stopwatch.GetTimestamp() < Volatile.Read(ref _aloneUntil) ? 1 : IdleParts(work, minPerPart, maxParts);

    /// <summary><see cref="PartsFor"/> on a pool that is not backing off: what the size and the thread setting allow.</summary>
    internal static int IdleParts(long work, long minPerPart, int maxParts = MaxParts)
    {
        int threads = Parallelism.MaxThreads;
        if (threads == 1 || Parallelism.CallingThreadOnly || work < 2 * minPerPart)
        {
            return 1;
        }

        return (int)Math.Max(1, Math.Min(Math.Min(threads, maxParts), work / minPerPart));
    }

    /// <summary>Dispatches run so far (for tests that check work was really split).</summary>
    internal static long Dispatches { get; private set; }

    /// <summary>How many times a late part sent the following dispatches to the calling thread alone (for benchmarks: on a quiet machine it stays 0).</summary>
    internal static long BackOffs { get; private set; }

    // Bytes each worker had allocated after its last part, one cache line apart (for the zero-allocation tests).
    private static readonly long[] _allocated = new long[(Parallelism.Limit + 1) * 8];

    /// <summary>The bytes the workers had allocated by the end of their last parts, all together.</summary>
    internal static long WorkerAllocatedBytes
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _allocated.Length; i += 8) total += Volatile.Read(ref _allocated[i]);
            return total;
        }
    }

    /// <summary>Claims the pool for one dispatch; false when it is busy (the caller then runs its work alone).</summary>
    internal static bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Releases the pool after <see cref="TryEnter"/>.</summary>
    internal static void Exit()
    {
        _job = null;
        Volatile.Write(ref _busy, 0);
    }

    /// <summary>
    /// Runs parts 0 … <paramref name="parts"/> − 1 of <paramref name="job"/> on the calling thread and
    /// <paramref name="parts"/> − 1 workers, and returns when all have run; rethrows the first exception a part threw.
    /// Only between <see cref="TryEnter"/> and <see cref="Exit"/>.
    /// </summary>
    internal static void Run(ParallelJob job, int parts)
    {
        Debug.Assert(Volatile.Read(ref _busy) == 1 && parts is >= 1 and <= MaxParts);
        int threads = Math.Min(parts, Parallelism.MaxThreads);
        StartWorkers(threads - 1);
        Dispatches++;
        _job = job;
        _error = null;
        Volatile.Write(ref _done, 0);
        _parts = parts;
        long state = ++_generation << (ThreadBits + PartBits) | (long)threads << PartBits | (uint)parts;
        _published = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _state, state); // a full fence: the read of _sleepers below cannot move above it
        if (Volatile.Read(ref _sleepers) > 0)
        {
            lock (_sleep)
            {
                Monitor.PulseAll(_sleep);
            }
        }

        Participate(state, self: 0);
        long waitStart = Stopwatch.GetTimestamp();
        bool slept = Volatile.Read(ref _done) < parts && WaitForParts(parts, waitStart);
        long now = Stopwatch.GetTimestamp();
        bool backOff = now - waitStart > StragglerTicks && BackOffWhenLate;
        if (backOff)
        {
            // Late again within four back-offs of the last one's end: the machine is oversubscribed, double it.
            BackOffs++;
            long last = _backoffTicks;
            _backoffTicks = last > 0 && now - Volatile.Read(ref _aloneUntil) < 4 * last ? Math.Min(2 * last, MaxBackoffTicks) : MinBackoffTicks;
            Volatile.Write(ref _aloneUntil, now + _backoffTicks);
        }

        if (PoolStatistics.Enabled)
        {
            Count(job, parts, threads, waitStart, now, slept, backOff);
            PoolStatistics.CountDispatch(job, parts, _lastEnd == 0 ? -1 : _published - _lastEnd, now - _published, now - waitStart);
        }

        _lastEnd = Stopwatch.GetTimestamp();

        if (_error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    // Spins for a while, then sleeps until the last part ends: a helper descheduled in the middle of its part needs a
    // free core, and a caller spinning on its own core (sched_yield included) keeps it from the scheduler. Returns
    // whether the caller slept.
    private static bool WaitForParts(int parts, long waitStart)
    {
        var wait = new SpinWait();
        while (Volatile.Read(ref _done) < parts)
        {
            if (Stopwatch.GetTimestamp() - waitStart < _callerSpinTicks)
            {
                wait.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            // A full fence between announcing the sleep and reading _done: the part that ends last reads the announcement.
            Interlocked.Exchange(ref _callerSleeping, 1);
            lock (_callerWake)
            {
                while (Volatile.Read(ref _done) < parts)
                {
                    Monitor.Wait(_callerWake);
                }
            }

            Volatile.Write(ref _callerSleeping, 0);
            return true;
        }

        return false;
    }

    // The dispatch's counters in PoolStatistics, from the threads' traces (all parts have ended: they are settled).
    private static void Count(ParallelJob job, int parts, int threads, long callerDone, long now, bool slept, bool backOff)
    {
        long generation = _generation;
        ref Trace caller = ref _traces[0];
        long wait = now - callerDone;
        PoolStatistics.CountWait(wait, slept);
        int late = -1;
        for (int t = 1; t < threads; t++)
        {
            ref Trace helper = ref _traces[t];
            bool seen = Volatile.Read(ref helper.Generation) == generation;
            bool ran = seen && helper.Parts > 0;
            PoolStatistics.CountHelper(seen && helper.Parked, helper.Woke - _published, !seen || helper.Woke > caller.OwnDone, !ran,
                ran && helper.Cpu == caller.Cpu);
            if (ran && (late < 0 || helper.PartEnd > _traces[late].PartEnd))
            {
                late = t;
            }
        }

        if (wait * 1_000_000 >= (long)PoolStatistics.RecordMicroseconds * Stopwatch.Frequency && late > 0)
        {
            ref Trace helper = ref _traces[late];
            PoolStatistics.CountLate(job, parts, wait, helper.Woke - _published, helper.PartStart - _published, helper.PartEnd - helper.PartStart,
                PoolStatistics.MeasureHelperCpu ? helper.CpuEnd - helper.CpuStart : -1, helper.Parked, helper.Cpu == caller.Cpu, backOff);
        }
    }

    /// <summary>
    /// The range [start, end) of part <paramref name="part"/> when <paramref name="count"/> items are cut into
    /// <paramref name="parts"/> nearly equal parts whose boundaries are multiples of <paramref name="align"/>.
    /// </summary>
    internal static (int Start, int End) Range(int count, int parts, int align, int part)
    {
        int Boundary(int p) => p >= parts ? count : (int)((long)count * p / parts) / align * align;
        return (Boundary(part), Boundary(part + 1));
    }

    /// <summary>
    /// The parts [Start, End) thread <paramref name="thread"/> of <paramref name="threads"/> tries first when a dispatch
    /// has <paramref name="parts"/> parts: a contiguous block, the same from one dispatch to the next.
    /// </summary>
    internal static (int Start, int End) OwnParts(int parts, int threads, int thread) =>
        ((int)((long)parts * thread / threads), (int)((long)parts * (thread + 1) / threads));

    private static void Participate(long state, int self)
    {
        long generation = state >> (ThreadBits + PartBits);
        int threads = (int)(state >> PartBits) & ((1 << ThreadBits) - 1);
        int parts = (int)state & ((1 << PartBits) - 1);
        var (start, end) = OwnParts(parts, threads, self);
        for (int part = start; part < end; part++)
        {
            TryRun(part, generation, self);
        }

        _traces[self].OwnDone = Stopwatch.GetTimestamp();
        if (OwnPartsOnly)
        {
            return;
        }

        // Then any part still unclaimed, from the last: the thread that owns it starts from its first, so the two
        // meet in the middle instead of competing for the same parts.
        for (int part = parts - 1; part >= 0; part--)
        {
            TryRun(part, generation, self);
        }
    }

    private static void TryRun(int part, long generation, int self)
    {
        // A slot holds the generation that last claimed it; slots only grow, so a worker still looking at an older
        // dispatch finds every part of it claimed and takes nothing.
        long claimed = Volatile.Read(ref _claims[part]);
        if (claimed >= generation || Interlocked.CompareExchange(ref _claims[part], generation, claimed) != claimed)
        {
            return;
        }

        // The part is ours, so this dispatch is not finished and _job is still its job.
        ref Trace trace = ref _traces[self];
        bool cpuTime = self > 0 && PoolStatistics.MeasureHelperCpu;
        trace.CpuStart = cpuTime ? ThreadCpuTime.Nanoseconds() : 0;
        trace.PartStart = Stopwatch.GetTimestamp();
        try
        {
            _job!.Run(part);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
        finally
        {
            trace.PartEnd = Stopwatch.GetTimestamp();
            trace.CpuEnd = cpuTime ? ThreadCpuTime.Nanoseconds() : 0;
            trace.Parts++;
            trace.Cpu = Thread.GetCurrentProcessorId();

            // The traces above are written before the count (a full fence), so the caller reads them settled.
            if (Interlocked.Increment(ref _done) == _parts && Volatile.Read(ref _callerSleeping) != 0)
            {
                lock (_callerWake)
                {
                    Monitor.Pulse(_callerWake);
                }
            }
        }
    }

    // Called before the dispatch is published. A new worker starts from the generation before it: read when the thread
    // begins to run, the generation could already be the dispatch's, and the worker would wait for the next one while
    // the caller took its parts (or, with OwnPartsOnly, waited for them for ever).
    private static void StartWorkers(int count)
    {
        while (_workers.Count < count)
        {
            var worker = new Thread(Work) { IsBackground = true, Name = $"SymbolicGrad worker {_workers.Count + 1}" };
            _workers.Add(worker);
            Volatile.Write(ref _workerCount, _workers.Count);
            worker.Start(new WorkerStart(_workers.Count, Volatile.Read(ref _state) >> (ThreadBits + PartBits)));
        }
    }

    /// <summary>Worker threads started so far (they live as long as the process).</summary>
    internal static int WorkerCount => Volatile.Read(ref _workerCount);

    private sealed record WorkerStart(int Index, long Generation);

    /// <summary>How long a new worker sleeps before it looks for work, as a thread the scheduler runs late does (for a test).</summary>
    internal static int WorkerStartDelayMilliseconds { get; set; }

    private static void Work(object? start)
    {
        var (self, seen) = (WorkerStart)start!;
        if (WorkerStartDelayMilliseconds > 0)
        {
            Thread.Sleep(WorkerStartDelayMilliseconds);
        }

        // What starting the thread allocated is no part's: record it now, so the first part's record shows only its own.
        Volatile.Write(ref _allocated[self * 8], GC.GetAllocatedBytesForCurrentThread());
        long idleSince = Stopwatch.GetTimestamp();
        bool parked = false;
        ref Trace trace = ref _traces[self];
        while (true)
        {
            long state = Volatile.Read(ref _state);
            long generation = state >> (ThreadBits + PartBits);
            if (generation != seen)
            {
                seen = generation;
                trace.Woke = Stopwatch.GetTimestamp();
                trace.Parked = parked;
                trace.Parts = 0;
                Volatile.Write(ref trace.Generation, generation);
                parked = false;
                if (self < ((int)(state >> PartBits) & ((1 << ThreadBits) - 1)))
                {
                    Participate(state, self);
                    Volatile.Write(ref _allocated[self * 8], GC.GetAllocatedBytesForCurrentThread());
                }

                idleSince = Stopwatch.GetTimestamp();
                continue;
            }

            long idle = Stopwatch.GetTimestamp() - idleSince;
            if (idle < Volatile.Read(ref _spinTicks))
            {
                // More threads than cores, or a wait longer than a dispatch's usual gap (the step's serial parts, which
                // may run on this core): let any thread that has work run, but stay awake for the next dispatch.
                if (idle >= EagerSpinTicks || Volatile.Read(ref _workerCount) >= Environment.ProcessorCount)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.SpinWait(16);
                }

                continue;
            }

            Interlocked.Increment(ref _sleepers);
            lock (_sleep)
            {
                while (Volatile.Read(ref _state) >> (ThreadBits + PartBits) == seen)
                {
                    Monitor.Wait(_sleep);
                }
            }

            Interlocked.Decrement(ref _sleepers);
            parked = true;
            idleSince = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>A thread's times in the current dispatch (Stopwatch ticks; CPU time in ns), alone on its cache lines.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Trace
    {
        [FieldOffset(0)] public long Generation;
        [FieldOffset(8)] public long Woke;
        [FieldOffset(16)] public long OwnDone;
        [FieldOffset(24)] public long PartStart;
        [FieldOffset(32)] public long PartEnd;
        [FieldOffset(40)] public long CpuStart;
        [FieldOffset(48)] public long CpuEnd;
        [FieldOffset(56)] public int Parts;
        [FieldOffset(60)] public int Cpu;
        [FieldOffset(64)] public bool Parked;
    }
}
