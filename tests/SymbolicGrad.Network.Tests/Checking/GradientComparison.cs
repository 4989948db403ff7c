using System.Globalization;

namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>
/// The outcome of comparing a generated gradient with finite differences, partial by partial: matches, partials at
/// kinks, mismatches, and the worst error.
/// </summary>
public sealed class GradientComparison
{
    /// <summary>A partial passes when |generated − fd| ≤ RelativeTolerance·|fd| + AbsoluteTolerance·max(1, |loss|).</summary>
    public const double RelativeTolerance = 2e-3;

    /// <summary>See <see cref="RelativeTolerance"/>; scaled by the loss since the rounding of the loss is.</summary>
    public const double AbsoluteTolerance = 1e-4;

    /// <summary>
    /// Third differences above this (times max(1, |loss|)) mean a kink lies inside the stencil; a smooth loss stays
    /// below a third of it (float rounding of the loss over half-steps of 2⁻⁷).
    /// </summary>
    public const double KinkThreshold = 5e-4;

    private readonly ParameterStore _parameters;
    private readonly double _scale;
    private readonly List<string> _mismatches = [];

    internal GradientComparison(ParameterStore parameters, double loss)
    {
        _parameters = parameters;
        Loss = loss;
        _scale = Math.Max(1, Math.Abs(loss));
    }

    /// <summary>The loss at the unperturbed parameters.</summary>
    public double Loss { get; }

    /// <summary>Partials compared.</summary>
    public int Checked { get; private set; }

    /// <summary>
    /// Partials with a kink inside the stencil; each matched the one-sided derivative of one side (the side the
    /// generated code differentiates on) and is left out of <see cref="WorstError"/>.
    /// </summary>
    public int Kinks { get; private set; }

    /// <summary>Descriptions of the partials that do not match.</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>Worst |generated − fd| / max(1, |fd|) over the partials away from kinks.</summary>
    public double WorstError { get; private set; }

    /// <summary>Where <see cref="WorstError"/> occurred.</summary>
    public string WorstAt { get; private set; } = "-";

    /// <summary>Largest |fd| seen: shows the check compared gradients that are not all zero.</summary>
    public double LargestPartial { get; private set; }

    internal void Add(int index, double generated, Estimates estimates)
    {
        Checked++;
        double central = estimates.Central;
        LargestPartial = Math.Max(LargestPartial, Math.Abs(central));
        double difference = Math.Abs(generated - central);
        double tolerance = RelativeTolerance * Math.Abs(central) + AbsoluteTolerance * _scale;

        // One-sided estimates are noisier and have an h² error: twice the tolerance.
        bool kink = estimates.ThirdDifference > KinkThreshold * _scale || Math.Abs(estimates.Left - estimates.Right) > 2 * tolerance;
        if (kink)
        {
            if (difference <= tolerance || Math.Abs(generated - estimates.Left) <= 2 * tolerance || Math.Abs(generated - estimates.Right) <= 2 * tolerance)
            {
                Kinks++;
            }
            else
            {
                _mismatches.Add(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0}: generated {1:G7}, finite differences {2:G7} at a kink, from the left {3:G7}, from the right {4:G7}",
                    Describe(index), generated, central, estimates.Left, estimates.Right));
            }

            return;
        }

        double error = difference / Math.Max(1, Math.Abs(central));
        if (error >= WorstError)
        {
            WorstError = error;
            WorstAt = Describe(index);
        }

        if (difference > tolerance)
        {
            _mismatches.Add(string.Format(
                CultureInfo.InvariantCulture,
                "{0}: generated {1:G7}, finite differences {2:G7} (|difference| {3:E2} > tolerance {4:E2})",
                Describe(index), generated, central, difference, tolerance));
        }
    }

    /// <summary>Fails, listing the first mismatches, unless every partial matched and few lay at kinks.</summary>
    /// <param name="what">The case and call, for the message.</param>
    public void AssertMatches(string what)
    {
        Assert.True(_mismatches.Count == 0,
            $"{what}: {_mismatches.Count} of {Checked} partials differ from finite differences (loss {Loss:G6}):\n  " +
            string.Join("\n  ", _mismatches.Take(12)));
        Assert.True(Kinks * 10 <= Checked,
            $"{what}: {Kinks} of {Checked} partials lie at kinks; choose inputs away from them.");
        Assert.True(LargestPartial > 1e-3, $"{what}: every partial is (nearly) zero; the check compares nothing.");
    }

    // "W1[2, 3]" for element (2, 3) of the matrix field W1.
    private string Describe(int index)
    {
        foreach (ParameterInfo info in _parameters.Layout)
        {
            if (index >= info.Offset && index < info.Offset + info.Length)
            {
                int at = index - info.Offset;
                return info.IsMatrix ? $"{info.Name}[{at / info.Cols}, {at % info.Cols}]" : $"{info.Name}[{at}]";
            }
        }

        return $"parameter #{index}";
    }
}
