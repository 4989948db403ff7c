using System.Globalization;

namespace SymbolicGrad;

/// <summary>One parameter checked by <see cref="GradientCheck"/>.</summary>
/// <param name="Index">Index in <see cref="ParameterStore.Values"/>.</param>
/// <param name="Name">The parameter element, e.g. <c>W1[3, 17]</c> or <c>b2[4]</c>.</param>
/// <param name="Analytic">The model's gradient (less the share of rows left out at kinks).</param>
/// <param name="Numeric">The extrapolated central finite difference.</param>
/// <param name="RelativeError"><c>|analytic − numeric| / max(|analytic|, |numeric|)</c> (0 when both are 0).</param>
/// <param name="KinkedRows">Rows left out because the finite difference straddled a kink, or its rounding was far above the rest (see <see cref="GradientCheck"/>).</param>
public readonly record struct GradientCheckSample(int Index, string Name, double Analytic, double Numeric, double RelativeError, int KinkedRows)
{
    /// <summary><c>|analytic − numeric|</c>.</summary>
    public double AbsoluteError { get; init; }

    /// <summary>The absolute tolerance atol of this entry: the float noise its finite difference can carry, or the one given.</summary>
    public double AbsoluteTolerance { get; init; }

    /// <summary>The relative tolerance rtol the check ran with.</summary>
    public double RelativeTolerance { get; init; }

    /// <summary>
    /// <c>|analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|))</c>: at most 1 passes; infinite for NaN.
    /// </summary>
    public double Margin { get; init; }

    /// <summary>True when <see cref="Margin"/> is at most 1.</summary>
    public bool Passed => Margin <= 1;

    internal static GradientCheckSample Create(int index, string name, double analytic, double numeric, double atol, double rtol, int kinkedRows)
    {
        double error = Math.Abs(analytic - numeric);
        double scale = Math.Max(Math.Abs(analytic), Math.Abs(numeric));
        double relative = error == 0 ? 0 : error / scale;
        double allowed = atol + rtol * scale;
        double margin = double.IsNaN(error) ? double.PositiveInfinity : error == 0 ? 0 : allowed == 0 ? double.PositiveInfinity : error / allowed;
        return new GradientCheckSample(index, name, analytic, numeric, double.IsNaN(relative) ? double.PositiveInfinity : relative, kinkedRows)
        {
            AbsoluteError = error,
            AbsoluteTolerance = atol,
            RelativeTolerance = rtol,
            Margin = margin,
        };
    }

    /// <summary>The entry against both criteria, e.g. <c>W1[3, 17] (index 2369): analytic 2.0e-4, numeric …</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} (index {Index}): analytic {Analytic:G6}, numeric {Numeric:G6}, |Δ| {AbsoluteError:G3}, relative {RelativeError:G3}; allowed atol {AbsoluteTolerance:G3} + rtol {RelativeTolerance:G3} × {Math.Max(Math.Abs(Analytic), Math.Abs(Numeric)):G3} = {AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(Analytic), Math.Abs(Numeric)):G3}, margin {Margin:G3}{(KinkedRows > 0 ? $", {KinkedRows} rows left out at kinks" : "")}");
}

/// <summary>
/// The outcome of <see cref="GradientCheck.Run"/>: every entry checked, and the worst one against the combined
/// criterion <c>|analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|)</c>.
/// </summary>
public sealed class GradientCheckReport
{
    internal GradientCheckReport(IReadOnlyList<GradientCheckSample> samples, double tolerance, float loss)
    {
        Samples = samples;
        Tolerance = tolerance;
        Loss = loss;
        Worst = samples.Count == 0 ? default : samples.MaxBy(s => s.Margin);
    }

    /// <summary>Every parameter element checked, in the order checked.</summary>
    public IReadOnlyList<GradientCheckSample> Samples { get; }

    /// <summary>The sample with the largest <see cref="GradientCheckSample.Margin"/>: the one nearest to failing, or failing most.</summary>
    public GradientCheckSample Worst { get; }

    /// <summary>The largest margin (at most 1 passes).</summary>
    public double WorstMargin => Samples.Count == 0 ? 0 : Worst.Margin;

    /// <summary>The largest relative error of any sample (NaN counts as infinite); a small entry may pass with a large one.</summary>
    public double WorstRelativeError => Samples.Count == 0 ? 0 : Samples.Max(s => s.RelativeError);

    /// <summary>The largest absolute error of any sample (NaN counts as infinite).</summary>
    public double WorstAbsoluteError => Samples.Count == 0 ? 0 : Samples.Max(s => double.IsNaN(s.AbsoluteError) ? double.PositiveInfinity : s.AbsoluteError);

    /// <summary>The parameter element with the largest margin, e.g. <c>W1[3, 17]</c>.</summary>
    public string WorstParameter => Worst.Name ?? "";

    /// <summary>The relative tolerance rtol.</summary>
    public double Tolerance { get; }

    /// <summary>No longer used: each sample has its own <see cref="GradientCheckSample.AbsoluteTolerance"/>. Always 0.</summary>
    [Obsolete("The check no longer floors the relative error's denominator: each sample has its own AbsoluteTolerance.")]
    public double Floor => 0;

    /// <summary>Row evaluations left out over all samples because they straddled a kink.</summary>
    public int KinkedRows => Samples.Sum(s => s.KinkedRows);

    /// <summary>The batch's mean loss at the unperturbed parameters.</summary>
    public float Loss { get; }

    /// <summary>True when every sample passes: |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).</summary>
    public bool Passed => Samples.All(s => s.Passed);

    /// <summary>Throws when the check failed.</summary>
    /// <exception cref="InvalidOperationException">Some entry is outside its tolerance; the message names it and both criteria.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <summary>A summary naming the worst entry against both criteria, and the largest relative error.</summary>
    public override string ToString()
    {
        int failed = Samples.Count(s => !s.Passed);
        string verdict = Passed ? "passed" : $"FAILED on {failed} of {Samples.Count} entries";
        string kinks = KinkedRows > 0 ? $", {KinkedRows} row evaluations left out at kinks" : "";
        var byRelative = Samples.Count == 0 ? default : Samples.MaxBy(s => s.RelativeError);
        string relative = Samples.Count == 0 || byRelative.Index == Worst.Index
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; largest relative error {byRelative.RelativeError:G3} at {byRelative.Name} (|Δ| {byRelative.AbsoluteError:G3} within atol {byRelative.AbsoluteTolerance:G3})");
        return string.Create(CultureInfo.InvariantCulture,
            $"gradient check {verdict} (|analytic − numeric| ≤ atol + rtol·|g|, rtol {Tolerance:G3}); worst entry {Worst}{relative}; {Samples.Count} parameters checked, loss {Loss:G6}{kinks}");
    }
}
