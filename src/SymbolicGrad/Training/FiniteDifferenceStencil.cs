namespace SymbolicGrad;

/// <summary>
/// One row's loss at five values of one parameter, θ − h, θ − h/2, θ, θ + h/2, θ + h (the float values actually set),
/// and what <see cref="GradientCheck"/> derives from them: the central differences, their Richardson extrapolation,
/// and an estimate of the rounding noise in the five losses.
/// </summary>
/// <remarks>
/// Every quantity is a linear combination Σ cᵢ·Lᵢ of the losses, so if each loss carries independent rounding noise
/// of standard deviation σ, the quantity's noise has standard deviation σ·√(Σ cᵢ²). The fourth difference vanishes
/// on any cubic, so on a smooth loss it is (almost) pure noise: it estimates σ (the idea of Moré and Wild's ECnoise).
/// </remarks>
internal readonly struct FiniteDifferenceStencil
{
    // Nodes and losses in the order θ − h, θ − h/2, θ, θ + h/2, θ + h.
    private readonly double _x0, _x1, _x2, _x3, _x4;
    private readonly double _l0, _l1, _l2, _l3, _l4;

    internal FiniteDifferenceStencil(float minus, float halfMinus, float theta, float halfPlus, float plus,
        float lossMinus, float lossHalfMinus, float loss, float lossHalfPlus, float lossPlus)
    {
        (_x0, _x1, _x2, _x3, _x4) = (minus, halfMinus, theta, halfPlus, plus);
        (_l0, _l1, _l2, _l3, _l4) = (lossMinus, lossHalfMinus, loss, lossHalfPlus, lossPlus);
    }

    /// <summary>The central difference over [θ − h, θ + h].</summary>
    internal double Wide => (_l4 - _l0) / (_x4 - _x0);

    /// <summary>The central difference over [θ − h/2, θ + h/2].</summary>
    internal double Narrow => (_l3 - _l1) / (_x3 - _x1);

    /// <summary>Richardson extrapolation (4·narrow − wide)/3: the h² error terms of the two cancel.</summary>
    internal double Extrapolated => (4 * Narrow - Wide) / 3;

    /// <summary>√(Σ cᵢ²) of <see cref="Extrapolated"/>: its noise is this times the losses' σ.</summary>
    internal double ExtrapolatedGain
    {
        get
        {
            double narrow = 4 / (3 * (_x3 - _x1)), wide = 1 / (3 * (_x4 - _x0));
            return Math.Sqrt(2 * narrow * narrow + 2 * wide * wide);
        }
    }

    /// <summary>√(Σ cᵢ²) of wide − narrow.</summary>
    internal double DisagreementGain
    {
        get
        {
            double narrow = 1 / (_x3 - _x1), wide = 1 / (_x4 - _x0);
            return Math.Sqrt(2 * narrow * narrow + 2 * wide * wide);
        }
    }

    /// <summary>The largest |loss| of the five.</summary>
    internal double Magnitude => Math.Max(Math.Max(Math.Max(Math.Abs(_l0), Math.Abs(_l1)), Math.Max(Math.Abs(_l3), Math.Abs(_l4))), Math.Abs(_l2));

    /// <summary>Adds the nonzero changes |Lᵢ₊₁ − Lᵢ| of the loss between neighbouring points to <paramref name="steps"/>.</summary>
    internal void AddStepsTo(List<double> steps)
    {
        foreach (double d in (ReadOnlySpan<double>)[_l1 - _l0, _l2 - _l1, _l3 - _l2, _l4 - _l3])
        {
            if (d != 0)
            {
                steps.Add(Math.Abs(d));
            }
        }
    }

    /// <summary>Whether the five losses are bitwise equal (the parameter did not reach this row's loss at this scale).</summary>
    internal bool Flat => _l0 == _l2 && _l1 == _l2 && _l3 == _l2 && _l4 == _l2;

    /// <summary>
    /// The noise level σ of the losses that the fourth difference suggests: |L₀ − 4L₁ + 6L₂ − 4L₃ + L₄| / √70, whose
    /// mean square is σ² when the five losses carry independent noise of standard deviation σ. It is computed exactly
    /// (five floats with small integer weights fit a double), so losses on an evenly stepped grid give exactly 0. The
    /// float nodes are not exactly evenly spaced; that leaks at most about |slope|·u·|θ| into the estimate, and a
    /// smooth loss's own fourth derivative adds (h/2)⁴·|L⁗|/√70: both only make the estimate larger (conservative).
    /// </summary>
    internal double NoiseEstimate => Math.Abs(_l0 - 4 * _l1 + 6 * _l2 - 4 * _l3 + _l4) / Math.Sqrt(70);
}
