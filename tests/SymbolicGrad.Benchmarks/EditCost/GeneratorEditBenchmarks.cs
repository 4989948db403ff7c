using System.Collections.Immutable;
using System.Runtime.Loader;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.Generator;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// The generator's cost in an IDE (issue 9): a project of 50 [Differentiable] methods in 10 files, compiled once
/// (<see cref="FirstCompile"/>, everything runs), then edited one keystroke at a time (<see cref="EditOneMethod"/>: a
/// constant in one method's body changes; <see cref="EditElsewhere"/>: a comment in a file without [Differentiable]
/// methods). Goal: an edit costs ≤ 5 ms.
/// </summary>
[MemoryDiagnoser]
public class GeneratorEditBenchmarks
{
    private EditSession _session = null!;

    [GlobalSetup]
    public void Setup() => _session = CheckedSession(EditSession.ProjectReferences());

    /// <summary>A fresh driver over the whole project, parsed anew: every method is lowered, differentiated, planned and written.</summary>
    [Benchmark]
    public GeneratorDriver FirstCompile() => _session.FirstCompile();

    /// <summary>
    /// One method's body changes: that method is lowered, differentiated, planned and written again; its file's other
    /// methods keep their lowering.
    /// </summary>
    [Benchmark]
    public GeneratorDriver EditOneMethod()
    {
        _session.EditOneMethod();
        return _session.Run();
    }

    /// <summary>A digit is typed into one method's body, or deleted again: the file's later methods move.</summary>
    [Benchmark]
    public GeneratorDriver InsertInOneMethod()
    {
        _session.InsertInOneMethod();
        return _session.Run();
    }

    /// <summary>A comment changes in a file without [Differentiable] methods.</summary>
    [Benchmark]
    public GeneratorDriver EditElsewhere()
    {
        _session.EditElsewhere();
        return _session.Run();
    }

    /// <summary>
    /// Medians of thread CPU time and of bytes allocated over 40 runs each (a first compile, an edit of one method, an
    /// edit elsewhere), for SymbolicGrad and, interleaved with it, for the floor (<see cref="FloorGenerator"/>: what
    /// Roslyn's driver costs) and the floor reporting SymbolicGrad's diagnostics (<see cref="ReplayedDiagnosticsGenerator"/>);
    /// SG_EDIT_ALONE=1 measures one generator alone (SymbolicGrad, or the SG_EDIT_BASELINE build).
    /// </summary>
    public static void ReportCpuTime()
    {
        var references = EditSession.ProjectReferences();
        // Cold: the first compile in a fresh process, parsing and the JIT's first compiles of Roslyn and the generator included.
        var coldClock = System.Diagnostics.Stopwatch.StartNew();
        long coldStart = ThreadCpuClock.Instance.GetTimestamp();
        var ours = CheckedSession(references);
        double coldCpu = (ThreadCpuClock.Instance.GetTimestamp() - coldStart) / 1e6, coldWall = coldClock.Elapsed.TotalMilliseconds;
        if (Environment.GetEnvironmentVariable("SG_EDIT_LOOP") is { } loops)
        {
            // For a profiler: one kind of edit (SG_EDIT_KIND=method, else elsewhere), many times.
            Action edit = Environment.GetEnvironmentVariable("SG_EDIT_KIND") == "method" ? ours.EditOneMethod : ours.EditElsewhere;
            for (int i = 0; i < int.Parse(loops); i++)
            {
                edit();
                ours.Run();
            }
            return;
        }

        if (Environment.GetEnvironmentVariable("SG_EDIT_ANALYZER") == "1")
        {
            // What LoopTapeAnalyzer, which reports SG0104 instead of the generator, costs at build and per edit.
            AnalyzerEditCost.Report(references);
            return;
        }

        // What SymbolicGrad's generator reports, or else what its analyzers report in the project (SG0104): the floor
        // reporting them from a generator shows what they would cost an edit there.
        var reported = ours.Result.Diagnostics.Where(d => d.Location.IsInSource).ToImmutableArray();
        if (reported.IsEmpty)
        {
            reported = ours.Compilation.WithAnalyzers([new Analyzers.LoopTapeAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        }
        var sessions = new (string Name, EditSession Session)[]
        {
            ("Roslyn floor (one syntax provider)", new EditSession(() => new FloorGenerator(), references)),
            ($"floor + {reported.Length} diagnostics in trees", new EditSession(() => new ReplayedDiagnosticsGenerator(reported), references)),
            ("SymbolicGrad", ours),
        };
        if (Environment.GetEnvironmentVariable("SG_EDIT_REPLAY") is { } counts)
        {
            // How the cost of reporting grows with the count: the floor replaying the first n of SymbolicGrad's diagnostics.
            sessions = counts.Split(',').Select(int.Parse)
                .Select(n => ($"floor + {n} diagnostics", new EditSession(() => new ReplayedDiagnosticsGenerator(reported.Take(n).ToImmutableArray()), references)))
                .ToArray();
        }
        if (Environment.GetEnvironmentVariable("SG_EDIT_BASELINE") is { } baseline)
        {
            // Before/after in one run: another build of SymbolicGrad.Generator.dll, loaded apart (its own lowering cache).
            var type = new AssemblyLoadContext("baseline").LoadFromAssemblyPath(Path.GetFullPath(baseline))
                .GetType("SymbolicGrad.Generator.DifferentiationGenerator", throwOnError: true)!;
            var baselineSession = new EditSession(() => (IIncrementalGenerator)Activator.CreateInstance(type)!, references);
            sessions = Alone ? [("baseline build", baselineSession)] : [.. sessions, ("baseline build", baselineSession)];
        }
        else if (Alone)
        {
            sessions = [("SymbolicGrad", ours)];
        }
        Console.WriteLine($"Thread CPU time of one driver run, median of {MeasuredRuns} (min–max) after a warm-up "
            + $"{(FixedWarmUpRuns is { } n ? $"of {n} runs" : "until the JIT is done")}, "
            + $"{(sessions.Length > 1 ? "the generators interleaved" : "one generator alone")}; load {LoadAverage()}; "
            + $"SymbolicGrad's generator reports {ours.Result.Diagnostics.Length} diagnostics, the floor replays {string.Join(", ", reported.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}");
        Console.WriteLine($"Cold first compile of SymbolicGrad in this process (parsing and JIT included): {coldCpu:F0} ms thread CPU, {coldWall:F0} ms wall");
        Console.WriteLine($"{"",-16} {string.Join(" ", sessions.Select(s => $"{s.Name,36}"))}");
        foreach (var (kind, prepare, run, check) in new (string, Action<EditSession>, Func<EditSession, GeneratorDriver>, Action<EditSession>)[]
        {
            ("first compile", _ => { }, s => s.FirstCompile(), _ => { }),
            ("edit one method", s => s.EditOneMethod(), s => s.Run(), s => s.CheckEditedMethodsOutput()),
            ("edit elsewhere", s => s.EditElsewhere(), s => s.Run(), _ => { }),
            ("insert in method", s => s.InsertInOneMethod(), s => s.Run(), s => s.CheckEditedMethodsOutput()),
        }.Where(k => Kinds is null || Kinds.Contains(k.Item1 == "insert in method" ? "insert" : k.Item1.Split(' ')[^1])))
        {
            var times = sessions.Select(_ => new List<double>()).ToArray();
            var allocated = sessions.Select(_ => new List<long>()).ToArray();
            int[] collections = new int[sessions.Length];
            long[] jitted = new long[sessions.Length];
            // An IDE's compiler is long warm, and Roslyn's assemblies here are not precompiled: every method starts in the
            // JIT's first tier, runs instrumented (dynamic PGO) after 30 calls, and is compiled fully in the background,
            // which on a loaded machine takes many seconds (30 runs of warm-up left most of Roslyn in the lower tiers).
            // So the warm-up lasts until the JIT compiled nothing anywhere in the process for 100 runs in a row (or,
            // with SG_EDIT_WARMUP=n, for n runs, as the harness did before).
            long lastCompiled = -1;
            int quietRuns = 0, warmUpRuns = 0;
            bool warm = false, timedOut = false;
            var warmUpClock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0, measured = 0; measured < MeasuredRuns; i++)
            {
                long compiledSoFar = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
                quietRuns = compiledSoFar == lastCompiled ? quietRuns + 1 : 0;
                lastCompiled = compiledSoFar;
                timedOut = !warm && FixedWarmUpRuns is null && warmUpClock.Elapsed > MaxWarmUp;
                warm = warm || (FixedWarmUpRuns is { } fixedRuns ? i >= fixedRuns : i >= 30 && (quietRuns >= 100 || timedOut));
                if (!warm) warmUpRuns = i + 1;
                for (int s = 0; s < sessions.Length; s++)
                {
                    var session = sessions[s].Session;
                    prepare(session);
                    int gen0 = GC.CollectionCount(0);
                    long compiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
                    long bytes = GC.GetAllocatedBytesForCurrentThread();
                    long before = ThreadCpuClock.Instance.GetTimestamp();
                    run(session);
                    double ms = (ThreadCpuClock.Instance.GetTimestamp() - before) / 1e6;
                    bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
                    gen0 = GC.CollectionCount(0) - gen0;
                    compiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - compiled;
                    // Outside the timed run: the edit must have changed what the driver generates, correctly (the floors generate nothing).
                    if (sessions[s].Name is "SymbolicGrad" or "baseline build") check(session);
                    if (!warm) continue;
                    times[s].Add(ms);
                    allocated[s].Add(bytes);
                    collections[s] += gen0;
                    jitted[s] += compiled;
                }
                if (warm) measured++;
            }
            Console.WriteLine($"{kind,-16} {string.Join(" ", times.Select(Summary))}   warm-up: {warmUpRuns} runs{(timedOut ? $", stopped after {MaxWarmUp.TotalSeconds} s with the JIT still compiling" : "")}");
            // Per run: the median of bytes allocated; over the measured runs: gen-0 collections, methods the JIT compiled on this thread.
            Console.WriteLine($"{"  allocated",-16} {string.Join(" ", allocated.Select((a, s) => $"{$"{Median(a) / 1024.0:F0} KB, {collections[s]} GCs, {jitted[s]} JIT",36}"))}");
        }
    }

    /// <summary>The kinds of run to measure (SG_EDIT_KINDS=compile,method,elsewhere,insert: the last word of each), or null for all.</summary>
    private static string[]? Kinds => Environment.GetEnvironmentVariable("SG_EDIT_KINDS")?.Split(',');

    private static bool Alone => Environment.GetEnvironmentVariable("SG_EDIT_ALONE") == "1";

    private static int? FixedWarmUpRuns => int.TryParse(Environment.GetEnvironmentVariable("SG_EDIT_WARMUP"), out int runs) ? runs : null;

    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(120);

    private static int MeasuredRuns => int.TryParse(Environment.GetEnvironmentVariable("SG_EDIT_RUNS"), out int runs) ? runs : 40;

    private static long Median(List<long> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Summary(List<double> times)
    {
        times.Sort();
        return $"{$"{times[times.Count / 2]:F2} ms ({times[0]:F2}–{times[^1]:F2})",36}";
    }

    private static EditSession CheckedSession(MetadataReference[] references)
    {
        var session = new EditSession(() => new DifferentiationGenerator(), references);
        var run = session.Result;
        if (run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || run.GeneratedTrees.Length != EditSession.Files * EditSession.MethodsPerFile)
        {
            throw new InvalidOperationException("The benchmark project does not generate cleanly: " + string.Join("; ", run.Diagnostics));
        }
        return session;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
