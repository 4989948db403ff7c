namespace SymbolicGrad;

/// <summary>
/// Checks a model's analytic gradient against central finite differences on a random sample of parameters — what to
/// do with any hand-written or generated gradient before trusting it.
/// </summary>
/// <remarks>
/// <para>Each sampled parameter θ is moved to θ ± h and θ ± h/2 with <c>h = relativeStep · max(|θ|, 1)</c>; in float
/// arithmetic 1e-2 balances truncation (∝ h²) against rounding (∝ ε/h). The two central differences are combined by
/// Richardson extrapolation, <c>(4·D(h/2) − D(h))/3</c>, which cancels the h² error term. The steps used are the
/// differences of the float values actually set, not h.</para>
/// <para>To limit cancellation the loss is evaluated one row at a time, and the per-row differences are summed in
/// double: rows the parameter does not affect contribute exactly zero, and the rounding of the batch mean never
/// enters. This assumes, as <see cref="ITrainable.BatchLoss"/> specifies, that the batch loss is the mean of per-row
/// losses (plus terms that do not depend on the rows).</para>
/// <para>Kinks: a finite difference across a point where the loss is not differentiable (ReLU at 0) is wrong by
/// design. Such a row shows up as disagreeing central differences at h and h/2 (far beyond rounding); it is left out
/// of the comparison on both sides — its numeric part, and its own analytic gradient (from a one-row call)
/// subtracted from the batch gradient — and counted in <see cref="GradientCheckSample.KinkedRows"/>. The batch
/// gradient itself is what is checked, so an error in the batched code (a missing 1/n, say) is still caught.</para>
/// </remarks>
public static partial class GradientCheck
{
    /// <summary>Compares the model's gradient on one batch with central finite differences.</summary>
    /// <param name="model">The model; its parameters and gradients are restored exactly afterwards.</param>
    /// <param name="inputs">The batch, one example per row.</param>
    /// <param name="targets">The batch's labels or targets.</param>
    /// <param name="samples">Number of parameter elements to check, spread evenly over the parameters of the layout (all when fewer exist).</param>
    /// <param name="seed">Seed of the choice of elements.</param>
    /// <param name="relativeStep">The step h relative to max(|θ|, 1).</param>
    /// <param name="tolerance">The largest relative error that passes.</param>
    /// <returns>The errors, the worst one and the element it belongs to.</returns>
    public static GradientCheckReport Run(ITrainable model, Mat inputs, in BatchTargets targets, int samples = 50, int seed = 0,
        float relativeStep = 1e-2f, double tolerance = 1e-2)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (!(relativeStep > 0f && relativeStep < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeStep), relativeStep, "The relative step must be in (0, 1); 1e-2 suits float.");
        }

        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be positive.");
        }

        if (inputs.Rows == 0 || targets.Count != inputs.Rows)
        {
            throw new ArgumentException(
                $"GradientCheck.Run: the batch needs at least one row and one target per row; inputs are {inputs} and targets {targets}.", nameof(targets));
        }

        var store = model.Parameters;
        float[] savedGradients = store.Gradients.ToArray();
        try
        {
            store.ZeroGradients();
            float loss = model.BatchLoss(inputs, targets, accumulateGradient: true);
            float[] analytic = store.Gradients.ToArray();
            double floor = Math.Max(1e-3 * MaxAbs(analytic), 1e-7);
            var indices = ChooseIndices(store, samples, seed);
            double[,] rowGradients = RowGradients(model, inputs, targets, indices);
            var checkedSamples = new List<GradientCheckSample>(indices.Count);
            for (int s = 0; s < indices.Count; s++)
            {
                int index = indices[s];
                var (numeric, kinkedAnalytic, kinked) = Numeric(model, inputs, targets, index, relativeStep, tolerance, rowGradients, s);
                double a = analytic[index] - kinkedAnalytic;
                double error = Math.Abs(a - numeric) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), floor);
                checkedSamples.Add(new GradientCheckSample(index, FiniteCheck.NameOf(store, index), a, numeric, error, kinked));
            }

            return new GradientCheckReport(checkedSamples, tolerance, floor, loss);
        }
        finally
        {
            savedGradients.CopyTo(store.Gradients);
        }
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

    // Mean over the rows of the extrapolated central difference, leaving out rows that straddle a kink; also returns
    // the left-out rows' analytic share (to subtract from the batch gradient) and their number.
    private static (double Numeric, double KinkedAnalytic, int Kinked) Numeric(ITrainable model, Mat inputs, in BatchTargets targets,
        int index, float relativeStep, double tolerance, double[,] rowGradients, int sample)
    {
        var values = model.Parameters.Values;
        float theta = values[index];
        float h = relativeStep * Math.Max(Math.Abs(theta), 1f);
        float plus = theta + h, minus = theta - h, halfPlus = theta + h / 2, halfMinus = theta - h / 2;
        double sum = 0, kinkedAnalytic = 0;
        int kinked = 0;
        try
        {
            for (int r = 0; r < inputs.Rows; r++)
            {
                var row = inputs.SliceRows(r, 1);
                var target = targets.Slice(r, 1);
                float up = LossAt(model, index, plus, row, target);
                float down = LossAt(model, index, minus, row, target);
                float halfUp = LossAt(model, index, halfPlus, row, target);
                float halfDown = LossAt(model, index, halfMinus, row, target);
                double wide = ((double)up - down) / ((double)plus - minus);
                double narrow = ((double)halfUp - halfDown) / ((double)halfPlus - halfMinus);

                // Rounding of the four float losses bounds how far the two differences may disagree on a smooth row.
                double magnitude = Math.Max(Math.Max(Math.Abs(up), Math.Abs(down)), Math.Max(Math.Abs(halfUp), Math.Abs(halfDown)));
                double rounding = 48 * Math.Pow(2, -24) * magnitude / h;
                double allowed = Math.Max(0.5 * tolerance * Math.Max(Math.Abs(wide), Math.Abs(narrow)), rounding);
                if (Math.Abs(wide - narrow) > allowed)
                {
                    kinked++;
                    kinkedAnalytic += rowGradients[r, sample];
                }
                else
                {
                    sum += (4 * narrow - wide) / 3;
                }
            }
        }
        finally
        {
            values[index] = theta;
        }

        return (sum / inputs.Rows, kinkedAnalytic / inputs.Rows, kinked);
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

    private static double MaxAbs(float[] values)
    {
        double max = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                max = Math.Max(max, Math.Abs(v));
            }
        }

        return max;
    }
}
