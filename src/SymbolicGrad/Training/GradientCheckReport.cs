using System.Globalization;

namespace SymbolicGrad;

/// <summary>One parameter checked by <see cref="GradientCheck"/>.</summary>
/// <param name="Index">Index in <see cref="ParameterStore.Values"/>.</param>
/// <param name="Name">The parameter element, e.g. <c>W1[3, 17]</c> or <c>b2[4]</c>.</param>
/// <param name="Analytic">The model's gradient.</param>
/// <param name="Numeric">The central finite difference.</param>
/// <param name="RelativeError"><c>|analytic − numeric| / max(|analytic|, |numeric|, floor)</c>.</param>
/// <param name="KinkedRows">Rows left out because the finite difference straddled a kink (see <see cref="GradientCheck"/>).</param>
public readonly record struct GradientCheckSample(int Index, string Name, double Analytic, double Numeric, double RelativeError, int KinkedRows);

/// <summary>The outcome of <see cref="GradientCheck.Run"/>: the worst relative error and where it is.</summary>
public sealed class GradientCheckReport
{
    internal GradientCheckReport(IReadOnlyList<GradientCheckSample> samples, double tolerance, double floor, float loss)
    {
        Samples = samples;
        Tolerance = tolerance;
        Floor = floor;
        Loss = loss;
        Worst = samples.Count == 0 ? default : samples.MaxBy(s => double.IsNaN(s.RelativeError) ? double.PositiveInfinity : s.RelativeError);
    }

    /// <summary>Every parameter element checked, in the order checked.</summary>
    public IReadOnlyList<GradientCheckSample> Samples { get; }

    /// <summary>The sample with the largest relative error.</summary>
    public GradientCheckSample Worst { get; }

    /// <summary>The largest relative error (NaN counts as the worst).</summary>
    public double WorstRelativeError => Samples.Count == 0 ? 0 : double.IsNaN(Worst.RelativeError) ? double.PositiveInfinity : Worst.RelativeError;

    /// <summary>The parameter element with the largest relative error, e.g. <c>W1[3, 17]</c>.</summary>
    public string WorstParameter => Worst.Name ?? "";

    /// <summary>The largest relative error accepted.</summary>
    public double Tolerance { get; }

    /// <summary>The smallest denominator of a relative error, so gradients near zero are compared absolutely.</summary>
    public double Floor { get; }

    /// <summary>Row evaluations left out over all samples because they straddled a kink.</summary>
    public int KinkedRows => Samples.Sum(s => s.KinkedRows);

    /// <summary>The batch's mean loss at the unperturbed parameters.</summary>
    public float Loss { get; }

    /// <summary>True when every relative error is at most <see cref="Tolerance"/>.</summary>
    public bool Passed => WorstRelativeError <= Tolerance;

    /// <summary>Throws when the check failed.</summary>
    /// <exception cref="InvalidOperationException">Some relative error exceeds the tolerance; the message names the parameter.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new InvalidOperationException(ToString());
        }
    }

    /// <summary>A one-line summary naming the worst parameter.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"gradient check {(Passed ? "passed" : "FAILED")}: worst relative error {WorstRelativeError:G3} (tolerance {Tolerance:G3}) at {WorstParameter}: analytic {Worst.Analytic:G6}, numeric {Worst.Numeric:G6}; {Samples.Count} parameters checked{(KinkedRows > 0 ? $", {KinkedRows} row evaluations left out at kinks" : "")}");
}
