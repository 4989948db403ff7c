namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>What a float twin is compared at: its program's name and seed, the point, and the float method's source.</summary>
internal sealed record FloatTwinLabel(string Name, int Seed, string Point, string SingleMethod);

/// <summary>
/// Compares random programs' float twins with their double twins. In float, finite differences are too coarse: each
/// float twin's gradient is compared with its double twin's (checked by finite differences) at the same
/// float-representable point, where the double twin is smooth and the float user method stays near the double one.
/// </summary>
internal sealed class FloatTwinComparison(double partialTolerance, int maxReportedFailures)
{
    private readonly List<string> _failures = [];
    private int _programs;
    private int _points;
    private int _partials;
    private int _skipped;
    private double _worst;

    /// <summary>Whether enough failures are reported to stop.</summary>
    public bool Done => _failures.Count >= maxReportedFailures;

    /// <summary>
    /// Generates programs 0..<paramref name="count"/> and their float twins, compiles them batch by batch (the doubles
    /// and the singles in one file, so a batch that does not compile cleanly is one failure) and hands each pair to
    /// <paramref name="checkProgram"/> with the loaded assembly.
    /// </summary>
    public void Run<TProgram>(int count, int batchSize, Func<int, TProgram> generate, Func<TProgram, TProgram> toSingle,
        Func<List<TProgram>, List<TProgram>, string> file, Func<GeneratorRun, bool> isClean,
        Action<LoadedAssembly, TProgram, TProgram> checkProgram)
    {
        for (var start = 0; start < count && !Done; start += batchSize)
        {
            var doubles = Enumerable.Range(start, Math.Min(batchSize, count - start)).Select(generate).ToList();
            var singles = doubles.Select(toSingle).ToList();
            var run = GeneratorHarness.Run(file(doubles, singles));
            if (!isClean(run))
            {
                _failures.Add($"Batch at {start} does not compile cleanly:{Environment.NewLine}{run.Describe()}");
                return;
            }

            using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
            for (var k = 0; k < doubles.Count && !Done; k++)
            {
                _programs++;
                checkProgram(assembly, doubles[k], singles[k]);
            }
        }
    }

    /// <summary>
    /// One point: skipped where the double twin is not smooth or the float user method strays from the double one (a
    /// branch or an exit taken the other way in float); otherwise the float gradient (from <paramref name="single"/>,
    /// its partials in the reference's order) must match the double one. False when the point failed.
    /// </summary>
    public bool Compare(FloatTwinLabel label, GradientCheckResult reference, double userSingle,
        Func<(double Value, IReadOnlyList<double> Gradient)> single, Func<double, double, bool> valueMatches)
    {
        _points++;
        if (reference.Partials.Any(c => c.Check.Verdict != FiniteDifferenceVerdict.Match) ||
            Math.Abs(userSingle - reference.ExpectedValue) > 1e-3 * (1 + Math.Abs(reference.ExpectedValue)))
        {
            _skipped++;
            return true;
        }
        var (value, gradient) = single();
        var mismatch = !valueMatches(value, userSingle);
        for (var j = 0; j < reference.Partials.Count; j++)
        {
            var expected = reference.Partials[j].Check.Analytic;
            var error = Math.Abs(gradient[j] - expected) / (1 + Math.Abs(expected));
            _worst = Math.Max(_worst, error);
            _partials++;
            mismatch |= error > partialTolerance;
        }
        if (!mismatch) return true;
        _failures.Add($"Float twin of {label.Name} (seed {label.Seed}) at ({label.Point}): float value {value:R} (user method {userSingle:R}), " +
                      $"float gradient [{string.Join(", ", gradient)}]; double twin: {reference}{Environment.NewLine}{label.SingleMethod}");
        return false;
    }

    /// <summary>Fails with the reported failures, or when more than <paramref name="maxSkippedFraction"/> of the points were skipped; returns the summary.</summary>
    public string AssertPassed(string what, double maxSkippedFraction)
    {
        var summary = $"{_programs} float {what}, {_points} points, {_partials} partials compared with the double twin " +
                      $"({_skipped} points skipped); worst error {_worst:G3} relative to 1 + |∂|";
        if (_failures.Count > 0)
            throw new Xunit.Sdk.XunitException(summary + Environment.NewLine + string.Join(Environment.NewLine + Environment.NewLine, _failures));
        Assert.True(_partials > 0 && _skipped < maxSkippedFraction * _points, summary);
        return summary;
    }
}
