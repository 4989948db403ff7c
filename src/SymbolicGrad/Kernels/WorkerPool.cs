using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace SymbolicGrad.CompilerServices;

/// <summary>Work cut into parts that may run on different threads at once; no two parts write the same memory.</summary>
internal abstract class ParallelJob
{
    /// <summary>Runs part <paramref name="part"/> of the job.</summary>
    internal abstract void Run(int part);
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
/// <para>Waiting workers spin for <see cref="SpinMicroseconds"/> after their last part (a training step dispatches
/// every few microseconds), then sleep on a monitor until the next dispatch wakes them. On a machine with more runnable
/// threads than cores a claimed part can be descheduled for a whole time slice; a caller that had to wait that long
/// runs alone for a while (<see cref="StragglerMicroseconds"/>): briefly after a lone late part (a kernel thread or the
/// JIT took the core once), twice as long each time lateness follows soon after the last back-off (a machine with more
/// runnable threads than cores), up to <see cref="MaxBackoffMilliseconds"/>.</para>
/// </remarks>
internal static class WorkerPool
{
    /// <summary>The most parts one dispatch may have.</summary>
    internal const int MaxParts = 511;

    private const int SpinMicroseconds = 200;

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
    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly long StragglerTicks = Stopwatch.Frequency * StragglerMicroseconds / 1_000_000;
    private static readonly long MinBackoffTicks = Stopwatch.Frequency * MinBackoffMilliseconds / 1_000;
    private static readonly long MaxBackoffTicks = Stopwatch.Frequency * MaxBackoffMilliseconds / 1_000;
    private static long _aloneUntil;
    private static long _backoffTicks;

    /// <summary>Whether a late part sends the following dispatches to the calling thread alone (tests that check the split turn it off).</summary>
    internal static bool BackOffWhenLate { get; set; } = true;

    /// <summary>
    /// The number of parts to cut <paramref name="work"/> units into so each part has at least
    /// <paramref name="minPerPart"/>: between 1 and <see cref="Parallelism.MaxThreads"/> (and <paramref name="maxParts"/>).
    /// </summary>
    internal static int PartsFor(long work, long minPerPart, int maxParts = MaxParts)
    {
        int threads = Parallelism.MaxThreads;
        if (threads == 1 || Parallelism.CallingThreadOnly || work < 2 * minPerPart || (BackOffWhenLate && Stopwatch.GetTimestamp() < Volatile.Read(ref _aloneUntil)))
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
        long state = ++_generation << (ThreadBits + PartBits) | (long)threads << PartBits | (uint)parts;
        Interlocked.Exchange(ref _state, state); // a full fence: the read of _sleepers below cannot move above it
        if (Volatile.Read(ref _sleepers) > 0)
        {
            lock (_sleep)
            {
                Monitor.PulseAll(_sleep);
            }
        }

        Participate(state, self: 0);
        var wait = new SpinWait();
        long waitStart = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _done) < parts)
        {
            wait.SpinOnce(sleep1Threshold: -1);
        }

        long now = Stopwatch.GetTimestamp();
        if (now - waitStart > StragglerTicks && BackOffWhenLate)
        {
            // Late again within four back-offs of the last one's end: the machine is oversubscribed, double it.
            BackOffs++;
            long last = _backoffTicks;
            _backoffTicks = last > 0 && now - Volatile.Read(ref _aloneUntil) < 4 * last ? Math.Min(2 * last, MaxBackoffTicks) : MinBackoffTicks;
            Volatile.Write(ref _aloneUntil, now + _backoffTicks);
        }

        if (_error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
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
            TryRun(part, generation);
        }

        // Then any part still unclaimed, from the last: the thread that owns it starts from its first, so the two
        // meet in the middle instead of competing for the same parts.
        for (int part = parts - 1; part >= 0; part--)
        {
            TryRun(part, generation);
        }
    }

    private static void TryRun(int part, long generation)
    {
        // A slot holds the generation that last claimed it; slots only grow, so a worker still looking at an older
        // dispatch finds every part of it claimed and takes nothing.
        long claimed = Volatile.Read(ref _claims[part]);
        if (claimed >= generation || Interlocked.CompareExchange(ref _claims[part], generation, claimed) != claimed)
        {
            return;
        }

        // The part is ours, so this dispatch is not finished and _job is still its job.
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
            Interlocked.Increment(ref _done);
        }
    }

    private static void StartWorkers(int count)
    {
        while (_workers.Count < count)
        {
            var worker = new Thread(Work) { IsBackground = true, Name = $"SymbolicGrad worker {_workers.Count + 1}" };
            _workers.Add(worker);
            Volatile.Write(ref _workerCount, _workers.Count);
            worker.Start(_workers.Count);
        }
    }

    private static void Work(object? index)
    {
        int self = (int)index!;
        long seen = Volatile.Read(ref _state) >> (ThreadBits + PartBits);
        long idleSince = Stopwatch.GetTimestamp();
        while (true)
        {
            long state = Volatile.Read(ref _state);
            long generation = state >> (ThreadBits + PartBits);
            if (generation != seen)
            {
                seen = generation;
                if (self < ((int)(state >> PartBits) & ((1 << ThreadBits) - 1)))
                {
                    Participate(state, self);
                    Volatile.Write(ref _allocated[self * 8], GC.GetAllocatedBytesForCurrentThread());
                }

                idleSince = Stopwatch.GetTimestamp();
                continue;
            }

            if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
            {
                // More threads than cores: let the thread that has work run.
                if (Volatile.Read(ref _workerCount) >= Environment.ProcessorCount)
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
            idleSince = Stopwatch.GetTimestamp();
        }
    }
}
