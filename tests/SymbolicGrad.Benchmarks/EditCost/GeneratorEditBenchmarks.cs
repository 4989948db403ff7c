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

    /// <summary>A comment changes in a file without [Differentiable] methods.</summary>
    [Benchmark]
    public GeneratorDriver EditElsewhere()
    {
        _session.EditElsewhere();
        return _session.Run();
    }

    /// <summary>
    /// Medians of thread CPU time over 40 runs each (a first compile, an edit of one method, an edit elsewhere), for
    /// SymbolicGrad and, interleaved with it, for the floor (<see cref="FloorGenerator"/>: what Roslyn's driver costs)
    /// and the floor reporting SymbolicGrad's diagnostics (<see cref="ReplayedDiagnosticsGenerator"/>).
    /// </summary>
    public static void ReportCpuTime()
    {
        var references = EditSession.ProjectReferences();
        var ours = CheckedSession(references);
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
            sessions = [.. sessions, ("baseline build", new EditSession(() => (IIncrementalGenerator)Activator.CreateInstance(type)!, references))];
        }
        Console.WriteLine($"Thread CPU time of one driver run, median of 40 (min–max), the generators interleaved; load {LoadAverage()}; "
            + $"SymbolicGrad's generator reports {ours.Result.Diagnostics.Length} diagnostics, the floor replays {string.Join(", ", reported.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}");
        Console.WriteLine($"{"",-16} {string.Join(" ", sessions.Select(s => $"{s.Name,36}"))}");
        foreach (var (kind, prepare, run) in new (string, Action<EditSession>, Func<EditSession, GeneratorDriver>)[]
        {
            ("first compile", _ => { }, s => s.FirstCompile()),
            ("edit one method", s => s.EditOneMethod(), s => s.Run()),
            ("edit elsewhere", s => s.EditElsewhere(), s => s.Run()),
        })
        {
            var times = sessions.Select(_ => new List<double>()).ToArray();
            // Dynamic PGO runs a method instrumented for its first calls before compiling it fully, and an IDE's compiler
            // is long warm: 30 runs warm up (5 left a generator measured alone partly in the instrumented tier).
            for (int i = 0; i < WarmUpRuns + 40; i++)
            {
                for (int s = 0; s < sessions.Length; s++)
                {
                    prepare(sessions[s].Session);
                    long before = ThreadCpuClock.Instance.GetTimestamp();
                    run(sessions[s].Session);
                    double ms = (ThreadCpuClock.Instance.GetTimestamp() - before) / 1e6;
                    if (i >= WarmUpRuns) times[s].Add(ms);
                }
            }
            Console.WriteLine($"{kind,-16} {string.Join(" ", times.Select(Summary))}");
        }
    }

    private const int WarmUpRuns = 30;

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
