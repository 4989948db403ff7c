namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>Outcome of comparing an analytic partial derivative with central finite differences.</summary>
internal enum FiniteDifferenceVerdict
{
    /// <summary>The analytic value matches the finite difference.</summary>
    Match,

    /// <summary>
    /// Differences with steps 10h, h and h/10 disagree: a kink or a jump is near, or rounding inside the function swamps
    /// the differences, so nothing can be concluded.
    /// </summary>
    NotSmooth,

    /// <summary>The finite difference is reliable and the analytic value does not match it.</summary>
    Mismatch,
}

/// <summary>Step and tolerances of a finite-difference check, per floating-point precision.</summary>
internal sealed record FiniteDifferenceSettings(
    double RelativeStep, double RelativeTolerance, double AbsoluteTolerance, double Epsilon, bool SinglePrecision)
{
    /// <summary>h ~ 1e-6 relative; tolerance 1e-5 relative + 1e-7 absolute.</summary>
    public static readonly FiniteDifferenceSettings Double = new(1e-6, 1e-5, 1e-7, 2.220446049250313e-16, SinglePrecision: false);

    /// <summary>float functions evaluated in float: a much larger step and looser tolerance.</summary>
    public static readonly FiniteDifferenceSettings Single = new(1e-2, 2e-3, 1e-4, 1.1920929e-7, SinglePrecision: true);
}

/// <summary>A finite-difference estimate of one partial derivative and its verdict against the analytic value.</summary>
internal readonly record struct FiniteDifferenceCheck(
    double Analytic, double Estimate, double FineEstimate, double WideEstimate, double Step, double RelativeError, FiniteDifferenceVerdict Verdict)
{
    public override string ToString() =>
        $"{Verdict}: analytic {Analytic:R}, FD(h={Step:G3}) {Estimate:R}, FD(h/10) {FineEstimate:R}, FD(10h) {WideEstimate:R}, rel. error {RelativeError:G3}";
}

/// <summary>Central finite differences with a smoothness guard.</summary>
internal static class FiniteDifference
{
    /// <summary>
    /// Compares <paramref name="analytic"/> with the central difference of <paramref name="f"/> at <paramref name="x"/>,
    /// with step h = RelativeStep·max(1, |x|), and with h/10 and 10h to detect kinks, jumps and rounding noise.
    /// </summary>
    public static FiniteDifferenceCheck Check(Func<double, double> f, double x, double analytic, FiniteDifferenceSettings settings)
    {
        var h = settings.RelativeStep * Math.Max(1.0, Math.Abs(x));
        var (coarse, sizeCoarse, _) = Central(f, x, h, settings);
        var (fine, sizeFine, midpoint) = Central(f, x, h / 10, settings);
        // Rounding in f(x ± h) of a few ulps of |f| becomes ~eps·|f|/h in the quotient (worst at h/10), so large
        // function values with small slopes need this term on top of the relative and absolute tolerance.
        var size = Math.Max(sizeCoarse, sizeFine);
        var rounding = 16 * settings.Epsilon * size / (h / 10);
        var tolerance = settings.RelativeTolerance * Math.Abs(coarse) + settings.AbsoluteTolerance + rounding;
        // An ill-conditioned f (a long loop that amplifies its own rounding) carries rounding noise far above a few ulps
        // of |f|: f is then a staircase at the scale of h, and f(x ± h), f(x ± h/10) may all be equal (both differences
        // exactly 0) while the slope of the exact function is not. A difference ten times wider must confirm them (in
        // double, whose step is small enough that 10h adds no truncation error to speak of; float's step is wide already).
        var wide = settings.SinglePrecision ? coarse : Central(f, x, 10 * h, settings).Derivative;
        // f(x) far from the mean of its neighbours at h/10 (which is f(x) + O(h²/100)) means x itself sits on a jump: a
        // comparison of two quantities equal up to rounding can send x and both neighbours down different branches.
        var value = f(x);
        var jump = Math.Abs(value - midpoint);
        var jumpTolerance = 1e-3 * h * (Math.Abs(coarse) + 1) + 64 * settings.Epsilon * size;
        var relative = Math.Abs(analytic - coarse) / Math.Max(1.0, Math.Abs(coarse));
        FiniteDifferenceVerdict verdict;
        if (!double.IsFinite(coarse) || !double.IsFinite(fine) || !double.IsFinite(wide) ||
            Math.Abs(coarse - fine) > tolerance || Math.Abs(coarse - wide) > tolerance || jump > jumpTolerance)
            verdict = FiniteDifferenceVerdict.NotSmooth;
        else if (!(Math.Abs(analytic - coarse) <= tolerance))
            // Asked only of a mismatch: a match near a kink (a difference that still agrees) stays a match.
            verdict = settings.SinglePrecision && HasKink(f, x, h, value, settings) ? FiniteDifferenceVerdict.NotSmooth : FiniteDifferenceVerdict.Mismatch;
        else
            verdict = FiniteDifferenceVerdict.Match;
        return new FiniteDifferenceCheck(analytic, coarse, fine, wide, h, relative, verdict);
    }

    /// <summary>
    /// In float, a kink closer to x than h/10 moves both central differences alike, and their gap hides under the
    /// rounding allowance at h/10. The bend of f over ±s (the chord through x ± s at x, minus f(x)) tells: a smooth f
    /// bends as s² (f″·s²/2), a kink near x as s (its slope jump times s/2), so the bend over ±2h is four times the bend
    /// over ±h for the one, about twice for the other. Rounding is ~eps·|f| there, small against bends at these steps.
    /// </summary>
    private static bool HasKink(Func<double, double> f, double x, double h, double value, FiniteDifferenceSettings settings)
    {
        var (near, nearSize) = Bend(f, x, h, value, settings);
        var (far, farSize) = Bend(f, x, 2 * h, value, settings);
        // Each bend carries the rounding of three values (16 eps·|f| each, as above): 4 × near and far, 80 eps·|f| in
        // all; an eighth of the larger bend leaves room for the h⁴ term of a smooth f whose curvature changes within 2h.
        var size = Math.Max(Math.Abs(value), Math.Max(nearSize, farSize));
        var tolerance = 80 * settings.Epsilon * size + Math.Max(Math.Abs(far), 4 * Math.Abs(near)) / 8;
        return Math.Abs(far - 4 * near) > tolerance;
    }

    /// <summary>The chord through x ± s at x minus f(x) (points rounded as in <see cref="Central"/>), and the larger |f| at x ± s.</summary>
    private static (double Bend, double Size) Bend(Func<double, double> f, double x, double s, double value, FiniteDifferenceSettings settings)
    {
        var right = settings.SinglePrecision ? (float)(x + s) : x + s;
        var left = settings.SinglePrecision ? (float)(x - s) : x - s;
        var plus = f(right);
        var minus = f(left);
        var chord = minus + (plus - minus) * ((x - left) / (right - left));
        return (chord - value, Math.Max(Math.Abs(plus), Math.Abs(minus)));
    }

    private static (double Derivative, double Size, double Midpoint) Central(
        Func<double, double> f, double x, double h, FiniteDifferenceSettings settings)
    {
        // In float the perturbed points round: divide by the step actually taken.
        var right = settings.SinglePrecision ? (float)(x + h) : x + h;
        var left = settings.SinglePrecision ? (float)(x - h) : x - h;
        var plus = f(right);
        var minus = f(left);
        return ((plus - minus) / (right - left), Math.Max(Math.Abs(plus), Math.Abs(minus)), (plus + minus) / 2);
    }
}
