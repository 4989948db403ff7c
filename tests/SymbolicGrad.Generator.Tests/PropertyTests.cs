using System.Globalization;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Seeded random programs over the supported language: each compiles with the generator (no exception, no error,
/// output compiles) and its gradient matches central finite differences wherever the function is smooth.
/// </summary>
public sealed class PropertyTests(ITestOutputHelper output)
{
    private const int BaseSeed = 1_000;
    private const int ProgramCount = 300;
    private const int BatchSize = 50;
    private const int PointsPerProgram = 4;
    private const int MaxReportedFailures = 5;

    [Fact]
    public void RandomProgramsHaveExactGradients()
    {
        var stats = new Statistics();
        var failures = new List<string>();
        for (var start = 0; start < ProgramCount; start += BatchSize)
        {
            var programs = Enumerable.Range(start, Math.Min(BatchSize, ProgramCount - start))
                .Select(i => RandomProgramGenerator.Generate(BaseSeed + i, "P" + i))
                .ToList();
            CheckBatch($"Batch{start / BatchSize}", programs, stats, failures);
            if (failures.Count >= MaxReportedFailures)
                break;
        }

        output.WriteLine(stats.ToString());
        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException(
                $"{failures.Count} failure(s); {stats}{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, failures)}");
        // Most points are smooth: a run that skipped nearly everything proves nothing.
        Assert.True(stats.Partials > 0 && stats.Skipped < 0.2 * (stats.Partials + stats.Skipped), stats.ToString());
    }

    [Fact]
    public void FloatTwinsMatchTheirDoubleGradients()
    {
        // The double programs are checked against finite differences above; each float twin is compared with its double twin.
        var twins = new FloatTwinComparison(partialTolerance: 2e-3, MaxReportedFailures);
        twins.Run(100, BatchSize, i => RandomProgramGenerator.Generate(BaseSeed + i, "P" + i), p => p.ToSingle(),
            (doubles, singles) => RandomProgram.File([("Doubles", doubles.AsEnumerable()), ("Singles", singles.AsEnumerable())]),
            IsClean, (assembly, twin, single) =>
            {
                for (var point = 0; point < PointsPerProgram; point++)
                {
                    var sample = twin.SamplePoint(point);
                    var singleArgs = sample.Select(a => a is double d ? (object)(float)d : a).ToArray();
                    var doubleArgs = singleArgs.Select(a => a is float f ? (object)(double)f : a).ToArray();
                    var reference = GeneratedGradientCheck.Evaluate(assembly, "RandomPrograms.Doubles", twin.Name, doubleArgs);
                    var userSingle = assembly.Invoke("RandomPrograms.Singles", single.Name, singleArgs);
                    var label = new FloatTwinLabel(twin.Name, twin.Seed, Format(singleArgs), single.Method);
                    if (!twins.Compare(label, reference, userSingle, () =>
                        {
                            var gradient = assembly.InvokeGradient("RandomPrograms.Singles", single.Name, singleArgs);
                            return (gradient.Value, gradient.Values);
                        },
                        (value, user) => Math.Abs(value - user) <= 1e-5 * (1 + Math.Abs(user))))
                        break;
                }
            });
        output.WriteLine(twins.AssertPassed("programs", maxSkippedFraction: 0.2));
    }

    [Fact]
    public void ProgramsAreReproducibleFromTheirSeed()
    {
        var first = RandomProgramGenerator.Generate(BaseSeed + 17, "P17");
        var again = RandomProgramGenerator.Generate(BaseSeed + 17, "P17");
        Assert.Equal(first.Method, again.Method);
        Assert.Equal(first.SamplePoint(2), again.SamplePoint(2));
        Assert.NotEqual(first.Method, RandomProgramGenerator.Generate(BaseSeed + 18, "P17").Method);
    }

    [Fact]
    public void ProgramsAreValidCSharpWithoutTheGenerator()
    {
        // Separates "the random program is broken" from "the generator broke it".
        var programs = Enumerable.Range(0, ProgramCount).Select(i => RandomProgramGenerator.Generate(BaseSeed + i, "P" + i)).ToList();
        var compilation = GeneratorHarness.CreateCompilation(RandomProgram.File("All", programs));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(10)));
        foreach (var program in programs.Take(6))
            output.WriteLine(program.Method);
    }

    private void CheckBatch(string typeName, List<RandomProgram> programs, Statistics stats, List<string> failures)
    {
        var run = GeneratorHarness.Run(RandomProgram.File(typeName, programs));
        if (!IsClean(run))
        {
            // Find the programs at fault by compiling each one alone, so the report shows a small source.
            foreach (var program in programs)
            {
                var alone = GeneratorHarness.Run(RandomProgram.File(typeName, [program]));
                if (!IsClean(alone))
                    failures.Add($"Program {program.Name} (seed {program.Seed}) does not compile cleanly:{Environment.NewLine}" +
                                 $"{alone.Describe()}{Environment.NewLine}{program.Method}");
                if (failures.Count >= MaxReportedFailures)
                    return;
            }
            if (failures.Count == 0)
                failures.Add($"{typeName} does not compile cleanly, but every program alone does:{Environment.NewLine}{run.Describe()}");
            return;
        }

        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        foreach (var program in programs)
        {
            run.Source($"RandomPrograms.{typeName}.{program.Name}.g.cs");
            stats.Programs++;
            for (var point = 0; point < PointsPerProgram; point++)
            {
                var args = program.SamplePoint(point);
                GradientCheckResult result;
                try
                {
                    result = GeneratedGradientCheck.Evaluate(assembly, "RandomPrograms." + typeName, program.Name, args);
                }
                catch (Exception e)
                {
                    failures.Add(Report(program, args, e.ToString()));
                    break;
                }
                stats.Points++;
                var mismatch = !result.ValueMatches(1e-10) ||
                               result.Partials.Any(p => p.Check.Verdict == FiniteDifferenceVerdict.Mismatch);
                foreach (var partial in result.Partials)
                {
                    if (partial.Check.Verdict == FiniteDifferenceVerdict.NotSmooth)
                    {
                        stats.Skipped++;
                        continue;
                    }
                    stats.Partials++;
                    if (partial.Check.RelativeError > stats.WorstRelativeError)
                    {
                        stats.WorstRelativeError = partial.Check.RelativeError;
                        stats.Worst = $"{program.Name} d/d{partial.Parameter} at ({Format(args)})";
                    }
                }
                if (mismatch)
                {
                    failures.Add(Report(program, args, result.ToString()));
                    break;
                }
            }
            if (failures.Count >= MaxReportedFailures)
                return;
        }
    }

    /// <summary>
    /// No exception, no error, no warning in generated files, except CS1718 (comparison of a variable with
    /// itself): random programs compare a value with itself by construction, and the generated code keeps that.
    /// </summary>
    private static bool IsClean(GeneratorRun run) =>
        run.GeneratorException is null && !run.GeneratorErrors.Any() && !run.OutputErrors.Any() &&
        run.GeneratedWarnings.All(w => w.Id == "CS1718");

    private static string Report(RandomProgram program, object[] args, string detail) =>
        $"Program {program.Name} (seed {program.Seed}) at ({Format(args)}): {detail}{Environment.NewLine}{program.Method}";

    private static string Format(object[] args) =>
        string.Join(", ", args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)));

    private sealed class Statistics
    {
        public int Programs;
        public int Points;
        public int Partials;
        public int Skipped;
        public double WorstRelativeError;
        public string Worst = "-";

        public override string ToString() =>
            $"{Programs} programs, {Points} points, {Partials} partials compared with finite differences " +
            $"({Skipped} skipped near a kink or jump); worst relative error {WorstRelativeError:G3} ({Worst})";
    }
}
