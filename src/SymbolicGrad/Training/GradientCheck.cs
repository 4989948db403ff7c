namespace SymbolicGrad;

/// <summary>
/// Checks a model's analytic gradient against central finite differences on a random sample of parameters — what to
/// do with any hand-written or generated gradient before trusting it.
/// </summary>
/// <remarks>
/// <para><b>The numeric gradient.</b> Each sampled parameter θ is moved to θ ± h and θ ± h/2 with
/// <c>h = relativeStep · max(|θ|, 1)</c>; the two central differences are combined by Richardson extrapolation,
/// <c>(4·D(h/2) − D(h))/3</c>, which cancels the h² error term. The steps used are the differences of the float values
/// actually set, not h. To limit cancellation the loss is evaluated one row at a time, and the per-row differences are
/// summed in double: rows the parameter does not affect contribute exactly zero, and the rounding of the batch mean
/// never enters. This assumes, as <see cref="ITrainable.BatchLoss"/> specifies, that the batch loss is the mean of
/// per-row losses (plus terms that do not depend on the rows).</para>
/// <para><b>The tolerance.</b> A float loss is only known to its rounding noise, and a difference quotient divides
/// that noise by the step: on a small gradient entry the finite difference is mostly noise, so a relative tolerance
/// alone fails correct gradients (issue 8: 1.5 % off on an entry of 2e-4). An entry passes when
/// <c>|analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|)</c>, where rtol is <c>tolerance</c> and atol is
/// the noise the numeric value can carry, measured rather than assumed:</para>
/// <list type="bullet">
/// <item>The fourth difference <c>L₀ − 4L₁ + 6L₂ − 4L₃ + L₄</c> of a row's five losses vanishes on a cubic, so on a smooth
/// loss it measures the rounding noise σ of that row's loss (the idea of Moré and Wild's ECnoise). One such estimate is
/// a single draw; each row also gets a typical σ from all its samples (the lower fifth of their estimates, which one
/// kink cannot move), at least u·|L| (u = 2⁻²⁴). The noise belongs to the computation, not to the loss's value: a
/// cross-entropy of 1e-5 from a log-sum-exp near 1 moves in steps of 1.2e-7, ten thousand times its own float spacing.
/// When a row's steps show such a grid (whole multiples of the smallest step), its rounding, σ = step/√12, is the floor:
/// it hides in stencils whose losses step evenly or not at all, where the fourth difference sees nothing.</item>
/// <item>The extrapolated difference's noise follows exactly from its coefficients (≈ 1.9·σ/h per row), and the
/// mean over n rows adds the rows' variances: <c>σ_numeric = √(Σᵣ (gainᵣ·σᵣ)²) / n</c>, with σᵣ the larger of the
/// row's typical σ and this stencil's own estimate.</item>
/// <item><c>atol = 6·σ_numeric + 8u·Σᵣ|gᵣ| / n</c>: six standard deviations of that noise, plus the float rounding of
/// the analytic mean over rows whose own gradients are gᵣ.</item>
/// </list>
/// <para>Each sample reports its absolute and relative error, its atol and its margin
/// (<c>|Δ| / (atol + rtol·max(|a|, |n|))</c>, at most 1 to pass); the report's <see cref="GradientCheckReport.Worst"/>
/// is the sample with the largest margin, and its message names it with both criteria.</para>
/// <para><b>Kinks.</b> A finite difference across a point where the loss is not differentiable (ReLU at 0) is wrong by
/// design. Such a row shows up as a fourth difference far above the row's typical noise, or as central differences at
/// h and h/2 that disagree by more than noise can explain (eight standard deviations of either, or half of rtol
/// relative). It is left out of the comparison on both sides — its numeric part, and its own analytic gradient (from
/// a one-row call) subtracted from the batch gradient — and counted in <see cref="GradientCheckSample.KinkedRows"/>;
/// a row whose rounding is far above the rest is left out the same way. The batch gradient itself is what is checked,
/// so an error in the batched code (a missing 1/n, say) is still caught.</para>
/// <para>The model is checked in evaluation mode (<see cref="Model.Training"/> false): the per-row decomposition
/// needs rows that do not depend on each other, which batch statistics (batch normalization in training mode) and
/// masks drawn per position in the batch (dropout) break. The mode, the state (running statistics) and the random
/// step are restored afterwards.</para>
/// </remarks>
public static partial class GradientCheck
{
    /// <summary>Standard deviations of the numeric gradient's noise allowed before an entry fails.</summary>
    internal const double NoiseSigmas = 6;

    /// <summary>Standard deviations of the row's typical noise beyond which a stencil is taken to straddle a kink.</summary>
    internal const double KinkSigmas = 8;

    /// <summary>The unit roundoff of float, 2⁻²⁴: a float result is within u·|x| of the exact x.</summary>
    internal const double FloatUnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Compares the model's gradient on one batch with central finite differences.</summary>
    /// <param name="model">The model; its parameters, gradients, state, mode and random step are restored exactly afterwards.</param>
    /// <param name="inputs">The batch, one example per row.</param>
    /// <param name="targets">The batch's labels or targets.</param>
    /// <param name="samples">Number of parameter elements to check, spread evenly over the parameters of the layout (all when fewer exist).</param>
    /// <param name="seed">Seed of the choice of elements.</param>
    /// <param name="relativeStep">The step h relative to max(|θ|, 1).</param>
    /// <param name="tolerance">The relative tolerance rtol: an entry passes when |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).</param>
    /// <param name="absoluteTolerance">
    /// The absolute tolerance atol for every entry; null (the default) derives each entry's atol from the float noise
    /// of its finite difference (see <see cref="GradientCheck"/>).
    /// </param>
    /// <returns>Every entry checked with its errors and tolerances, and the worst one.</returns>
    /// <exception cref="ArgumentException">The batch is empty or its targets do not match its rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the step is too small to move a parameter.</exception>
    public static GradientCheckReport Run(ITrainable model, Mat inputs, in BatchTargets targets, int samples = 50, int seed = 0,
        float relativeStep = 1e-2f, double tolerance = 1e-2, double? absoluteTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (!(relativeStep > 0f && relativeStep < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeStep), relativeStep, "The relative step must be in (0, 1); 1e-2 suits float.");
        }

        if (!(tolerance >= 0 && double.IsFinite(tolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The relative tolerance must be zero or positive and finite.");
        }

        if (absoluteTolerance is double given && !(given >= 0 && double.IsFinite(given)))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerance), given, "The absolute tolerance must be zero or positive and finite (or null to derive it from the float noise).");
        }

        if (tolerance == 0 && absoluteTolerance == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "With both tolerances zero only bit-exact finite differences would pass.");
        }

        if (inputs.Rows == 0 || targets.Count != inputs.Rows)
        {
            throw new ArgumentException(
                $"GradientCheck.Run: the batch needs at least one row and one target per row; inputs are {inputs} and targets {targets}.", nameof(targets));
        }

        var store = model.Parameters;
        // The check perturbs the parameters and switches the mode: under another thread's step both would be corrupted.
        bool began = store.BeginStepUnlessHeld("GradientCheck.Run");
        float[] savedGradients = store.Gradients.ToArray();
        float[] savedState = store.State.ToArray();
        bool training = store.Training;
        long randomStep = Interlocked.Read(ref store.RandomStep);
        store.Training = false;
        try
        {
            store.ZeroGradients();
            float loss = model.BatchLoss(inputs, targets, accumulateGradient: true);
            float[] analytic = store.Gradients.ToArray();
            var indices = ChooseIndices(store, samples, seed);
            double[,] rowGradients = RowGradients(model, inputs, targets, indices);
            float[] centre = RowLosses(model, inputs, targets);
            var stencils = Stencils(model, inputs, targets, indices, relativeStep, centre);
            double[] rowNoise = LossNoise.PerRow(stencils);
            var checkedSamples = new List<GradientCheckSample>(indices.Count);
            for (int s = 0; s < indices.Count; s++)
            {
                checkedSamples.Add(Compare(store, indices[s], analytic[indices[s]], s, rowNoise, stencils, rowGradients, tolerance, absoluteTolerance));
            }

            return new GradientCheckReport(checkedSamples, tolerance, loss);
        }
        finally
        {
            savedGradients.CopyTo(store.Gradients);
            savedState.CopyTo(store.State);
            store.Training = training;
            Interlocked.Exchange(ref store.RandomStep, randomStep);
            if (began) store.EndStep();
        }
    }

    // One sampled entry: the mean over smooth rows of the extrapolated difference against the batch gradient less
    // the other rows' share, and the tolerance the noise of both allows.
    private static GradientCheckSample Compare(ParameterStore store, int index, float batchAnalytic, int s, double[] rowNoise,
        FiniteDifferenceStencil[,] stencils, double[,] rowGradients, double tolerance, double? absoluteTolerance)
    {
        int rows = stencils.GetLength(1);
        double sum = 0, variance = 0, kinkedAnalytic = 0, analyticScale = 0;
        int kinked = 0;
        for (int r = 0; r < rows; r++)
        {
            var stencil = stencils[s, r];
            if (double.IsFinite(rowGradients[r, s]))
            {
                analyticScale += Math.Abs(rowGradients[r, s]);
            }

            double typical = Math.Max(rowNoise[r], FloatUnitRoundoff * stencil.Magnitude);
            double own = stencil.NoiseEstimate;
            double wide = stencil.Wide, narrow = stencil.Narrow;
            double disagreement = Math.Max(0.5 * tolerance * Math.Max(Math.Abs(wide), Math.Abs(narrow)), KinkSigmas * stencil.DisagreementGain * typical);
            if (own > KinkSigmas * typical || Math.Abs(wide - narrow) > disagreement)
            {
                kinked++;
                kinkedAnalytic += rowGradients[r, s];
                continue;
            }

            sum += stencil.Extrapolated;
            double sigma = Math.Max(typical, own);
            double gain = stencil.ExtrapolatedGain;
            variance += gain * gain * sigma * sigma;
        }

        double numeric = sum / rows;
        double a = batchAnalytic - kinkedAnalytic / rows;
        double atol = absoluteTolerance
            ?? NoiseSigmas * Math.Sqrt(variance) / rows + 8 * FloatUnitRoundoff * analyticScale / rows;
        return GradientCheckSample.Create(index, FiniteCheck.NameOf(store, index), a, numeric, atol, tolerance, kinked);
    }

    // The analytic gradient of each row's own loss at the sampled elements, from one-row calls.
    private static double[,] RowGradients(ITrainable model, Mat inputs, in BatchTargets targets, List<int> indices)
    {
        var store = model.Parameters;
        var result = new double[inputs.Rows, indices.Count];
        for (int r = 0; r < inputs.Rows; r++)
        {
            store.ZeroGradients();
            model.BatchLoss(inputs.SliceRows(r, 1), targets.Slice(r, 1), accumulateGradient: true);
            var gradients = store.Gradients;
            for (int s = 0; s < indices.Count; s++)
            {
                result[r, s] = gradients[indices[s]];
            }
        }

        return result;
    }

    // Each row's own loss at the unperturbed parameters.
    private static float[] RowLosses(ITrainable model, Mat inputs, in BatchTargets targets)
    {
        var result = new float[inputs.Rows];
        for (int r = 0; r < inputs.Rows; r++)
        {
            result[r] = model.BatchLoss(inputs.SliceRows(r, 1), targets.Slice(r, 1), accumulateGradient: false);
        }

        return result;
    }

    // Every row's loss at the five points of every sampled element: [sample, row].
    private static FiniteDifferenceStencil[,] Stencils(ITrainable model, Mat inputs, in BatchTargets targets, List<int> indices,
        float relativeStep, float[] centre)
    {
        int rows = inputs.Rows;
        var values = model.Parameters.Values;
        var result = new FiniteDifferenceStencil[indices.Count, rows];
        for (int s = 0; s < indices.Count; s++)
        {
            int index = indices[s];
            float theta = values[index];
            float h = relativeStep * Math.Max(Math.Abs(theta), 1f);
            float plus = theta + h, minus = theta - h, halfPlus = theta + h / 2, halfMinus = theta - h / 2;
            if (!(minus < halfMinus && halfMinus < theta && theta < halfPlus && halfPlus < plus))
            {
                throw new ArgumentOutOfRangeException(nameof(relativeStep), relativeStep,
                    $"The step is too small to move {FiniteCheck.NameOf(model.Parameters, index)} = {theta} in float; use a relative step of 1e-4 or more.");
            }

            try
            {
                for (int r = 0; r < rows; r++)
                {
                    var row = inputs.SliceRows(r, 1);
                    var target = targets.Slice(r, 1);
                    result[s, r] = new FiniteDifferenceStencil(minus, halfMinus, theta, halfPlus, plus,
                        LossAt(model, index, minus, row, target), LossAt(model, index, halfMinus, row, target), centre[r],
                        LossAt(model, index, halfPlus, row, target), LossAt(model, index, plus, row, target));
                }
            }
            finally
            {
                values[index] = theta;
            }
        }

        return result;
    }

    private static float LossAt(ITrainable model, int index, float value, Mat row, in BatchTargets target)
    {
        model.Parameters.Values[index] = value;
        return model.BatchLoss(row, target, accumulateGradient: false);
    }

    // Spreads the samples evenly over the layout's parameters (so small tensors such as biases are checked as often
    // as large ones), with distinct random elements within each.
    private static List<int> ChooseIndices(ParameterStore store, int samples, int seed)
    {
        var layout = store.Layout.Where(p => p.Length > 0).ToList();
        var quota = new int[layout.Count];
        int assigned = 0;
        for (bool progress = true; assigned < samples && progress;)
        {
            progress = false;
            for (int i = 0; i < layout.Count && assigned < samples; i++)
            {
                if (quota[i] < layout[i].Length)
                {
                    quota[i]++;
                    assigned++;
                    progress = true;
                }
            }
        }

        var random = new Random(seed);
        var chosen = new List<int>(assigned);
        for (int i = 0; i < layout.Count; i++)
        {
            var p = layout[i];
            if (quota[i] == p.Length)
            {
                chosen.AddRange(Enumerable.Range(p.Offset, p.Length));
                continue;
            }

            var picked = new HashSet<int>();
            while (picked.Count < quota[i])
            {
                int index = p.Offset + random.Next(p.Length);
                if (picked.Add(index))
                {
                    chosen.Add(index);
                }
            }
        }

        return chosen;
    }
}
