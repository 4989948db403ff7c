namespace SymbolicGrad;

/// <summary>
/// How much rounding noise each row's loss carries, estimated from <see cref="GradientCheck"/>'s five-point stencils:
/// the floor of each entry's absolute tolerance, and the yardstick that tells a kink from noise.
/// </summary>
internal static class LossNoise
{
    /// <summary>
    /// The typical noise σ of each row's loss in <paramref name="stencils"/> ([sample, row]): the lower fifth of the
    /// single-stencil estimates of the row's samples whose losses moved, scaled from that quantile of |N(0, σ²)| draws
    /// (0.2533·σ) to σ, and at least the rounding to the grid the row's loss moves on (see <see cref="Grid"/>).
    /// </summary>
    // One estimate alone is a single draw and may be small by chance; a low quantile ignores the many draws one kink
    // can inflate (a kink deep in the network moves the losses of every parameter before it). The noise belongs to the
    // row's computation, not to its loss's value.
    internal static double[] PerRow(FiniteDifferenceStencil[,] stencils)
    {
        int samples = stencils.GetLength(0), rows = stencils.GetLength(1);
        var result = new double[rows];
        var estimates = new List<double>(samples);
        var steps = new List<double>(4 * samples);
        for (int r = 0; r < rows; r++)
        {
            estimates.Clear();
            steps.Clear();
            for (int s = 0; s < samples; s++)
            {
                var stencil = stencils[s, r];
                if (!stencil.Flat)
                {
                    estimates.Add(stencil.NoiseEstimate);
                    stencil.AddStepsTo(steps);
                }
            }

            double noise = estimates.Count == 0 ? 0 : LowerFifth(estimates) / 0.2533;
            result[r] = Math.Max(noise, Grid(steps) / Math.Sqrt(12));
        }

        return result;
    }

    // The step q of the grid a row's loss moves on, or 0 when its steps do not show one. A loss computed with
    // cancellation (a cross-entropy of 1e-5 from a log-sum-exp near 1) only takes values 1.2e-7 apart, far coarser
    // than its own float spacing; rounding to a grid of step q is an error of σ = q/√12 in every stencil, also in
    // those whose losses step evenly (fourth difference 0) or not at all, which the estimates above miss. The grid
    // shows as steps that are whole multiples of the smallest one (at least two different multiples, nine in ten of
    // the steps up to 64 q within 0.001 of a whole number); the steps of a smooth loss are not.
    private static double Grid(List<double> steps)
    {
        if (steps.Count < 8)
        {
            return 0;
        }

        double q = steps.Min();
        int considered = 0, onGrid = 0;
        var multiples = new HashSet<double>();
        foreach (double step in steps)
        {
            double ratio = step / q;
            if (ratio <= 64)
            {
                considered++;
                double whole = Math.Round(ratio);
                if (Math.Abs(ratio - whole) <= 1e-3)
                {
                    onGrid++;
                    multiples.Add(whole);
                }
            }
        }

        return considered >= 8 && onGrid >= 0.9 * considered && multiples.Count >= 2 ? q : 0;
    }

    private static double LowerFifth(List<double> values)
    {
        values.Sort();
        return values[(values.Count - 1) / 5];
    }
}
