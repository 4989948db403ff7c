namespace SymbolicGrad.Training.Tests.Data;

public sealed class PcaTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>n rows of d correlated features: x = z·A + offset, z ~ N(0, 1) of dimension <paramref name="rank"/>.</summary>
    static float[] Correlated(int n, int d, int rank, int seed)
    {
        var random = new Random(seed);
        var a = new double[rank * d];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Normal(random) * (1 + i % 5);
        }

        var x = new float[n * d];
        var z = new double[rank];
        for (int r = 0; r < n; r++)
        {
            for (int k = 0; k < rank; k++)
            {
                z[k] = Normal(random);
            }

            for (int f = 0; f < d; f++)
            {
                double sum = 3 * f - 7;
                for (int k = 0; k < rank; k++)
                {
                    sum += z[k] * a[k * d + f];
                }

                x[r * d + f] = (float)sum;
            }
        }

        return x;
    }

    static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The population covariance of row-major data, in double.</summary>
    static double[,] Covariance(ReadOnlySpan<float> x, int d)
    {
        int n = x.Length / d;
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int f = 0; f < d; f++)
            {
                mean[f] += x[r * d + f];
            }
        }

        for (int f = 0; f < d; f++)
        {
            mean[f] /= n;
        }

        var c = new double[d, d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    c[i, j] += (x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j]);
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                c[i, j] /= n;
            }
        }

        return c;
    }

    [Fact]
    public void A_two_dimensional_case_by_hand()
    {
        // Centred on (2, 5): ±√3·(1, 1) and ±(1, −1). Covariance [[2, 1], [1, 2]]: eigenvalues 3 along (1, 1)/√2
        // and 1 along (1, −1)/√2.
        float s3 = MathF.Sqrt(3);
        float[] x = [2 + s3, 5 + s3, 2 - s3, 5 - s3, 3, 4, 1, 6];
        var pca = Pca.Fit(x, 2);

        Expect.Close([2, 5], ToFloat(pca.Mean), 1e-6);
        Expect.Close([3, 1], ToFloat(pca.ExplainedVariance), 1e-6);
        Expect.Close(4, pca.TotalVariance, 1e-6);
        Expect.Close([0.75, 0.25], ToFloat(pca.ExplainedVarianceRatio()), 1e-7);
        double h = Math.Sqrt(0.5);
        Expect.Close([h, h, h, -h], ToFloat(pca.Components), 1e-7); // each axis' largest entry (the first on a tie) positive
        Expect.Close([Math.Sqrt(6), 0, -Math.Sqrt(6), 0, 0, Math.Sqrt(2), 0, -Math.Sqrt(2)], pca.Transform(x, 2), 1e-6);

        var whitened = Pca.Fit(x, 2, whiten: true);
        Expect.Close([Math.Sqrt(2), 0, -Math.Sqrt(2), 0, 0, Math.Sqrt(2), 0, -Math.Sqrt(2)], whitened.Transform(x, 2), 1e-6);

        var first = Pca.Fit(x, 2, components: 1);
        Expect.Close([Math.Sqrt(6), -Math.Sqrt(6), 0, 0], first.Transform(x, 2), 1e-6);
        // Back from one component: the projection on (1, 1)/√2.
        Expect.Close([2 + s3, 5 + s3, 2 - s3, 5 - s3, 2, 5, 2, 5], first.InverseTransform(first.Transform(x, 2)), 2e-6);
    }

    static float[] ToFloat(ReadOnlySpan<double> values) => values.ToArray().Select(v => (float)v).ToArray();

    [Theory]
    [InlineData(400, 12, 12)]
    [InlineData(300, 20, 7)]  // rank-deficient: 13 zero eigenvalues
    [InlineData(15, 30, 30)]  // fewer rows than features
    public void Transformed_training_data_are_uncorrelated_with_the_explained_variances(int n, int d, int rank)
    {
        var x = Correlated(n, d, rank, seed: n + d);
        var pca = Pca.Fit(x, d);
        var y = pca.Transform(x, d);
        var c = Covariance(y, d);
        double largest = pca.ExplainedVariance[0];
        for (int i = 0; i < d; i++)
        {
            Expect.Close(pca.ExplainedVariance[i], c[i, i], 1e-6 * largest);
            for (int j = 0; j < d; j++)
            {
                if (i != j)
                {
                    Assert.True(Math.Abs(c[i, j]) <= 1e-6 * largest,
                        $"covariance ({i}, {j}) of the components is {c[i, j]:G3}, above 1e-6 of the largest variance {largest:G3}");
                }
            }
        }

        // Sorted, non-negative, and summing to the total variance (the trace) when every component is kept.
        var variance = pca.ExplainedVariance.ToArray();
        Assert.Equal(variance.OrderByDescending(v => v), variance);
        Assert.All(variance, v => Assert.True(v >= 0));
        double trace = Enumerable.Range(0, d).Sum(i => Covariance(x, d)[i, i]);
        Expect.Close(trace, pca.TotalVariance, 1e-9 * trace);
        Expect.Close(pca.TotalVariance, variance.Sum(), 1e-9 * trace);
        Expect.Close(1, pca.ExplainedVarianceRatio().Sum(), 1e-9);
        // The axes are orthonormal.
        var axes = pca.Components;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double dot = 0;
                for (int f = 0; f < d; f++)
                {
                    dot += axes[i * d + f] * axes[j * d + f];
                }

                Expect.Close(i == j ? 1 : 0, dot, 1e-12);
            }
        }
    }

    [Fact]
    public void The_axes_and_variances_rebuild_the_covariance()
    {
        const int d = 9;
        var x = Correlated(200, d, d, seed: 3);
        var pca = Pca.Fit(x, d);
        var c = Covariance(x, d);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++)
                {
                    sum += pca.ExplainedVariance[k] * pca.Components[k * d + i] * pca.Components[k * d + j];
                }

                Expect.Close(c[i, j], sum, 1e-9 * pca.ExplainedVariance[0]);
            }
        }
    }

    [Fact]
    public void Whitened_training_data_have_the_identity_covariance()
    {
        const int d = 10;
        var x = Correlated(500, d, d, seed: 9);
        var pca = Pca.Fit(x, d, components: 6, whiten: true);
        Assert.True(pca.Whiten);
        var c = Covariance(pca.Transform(x, d), 6);
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                Expect.Close(i == j ? 1 : 0, c[i, j], 1e-6);
            }
        }
    }

    [Fact]
    public void Transform_and_inverse_round_trip()
    {
        const int d = 8;
        var x = Correlated(100, d, d, seed: 4);
        foreach (bool whiten in new[] { false, true })
        {
            var full = Pca.Fit(x, d, whiten: whiten);
            var back = full.InverseTransform(full.Transform(x, d));
            for (int i = 0; i < x.Length; i++)
            {
                Expect.Close(x[i], back[i], 2e-5 * (1 + Math.Abs(x[i])));
            }

            // With fewer components the inverse is a projection: transforming it again gives the same components.
            var three = Pca.Fit(x, d, components: 3, whiten: whiten);
            var y = three.Transform(x, d);
            var again = three.Transform(three.InverseTransform(y), d);
            for (int i = 0; i < y.Length; i++)
            {
                Expect.Close(y[i], again[i], 2e-5 * (1 + Math.Abs(y[i])));
            }
        }
    }

    [Fact]
    public void A_dataset_transforms_to_a_dataset_of_components_with_its_labels()
    {
        var x = Correlated(50, 4, 4, seed: 1);
        var labels = Enumerable.Range(0, 50).Select(i => i % 3).ToArray();
        var data = new Dataset(x, 4, labels, 3) { ClassNames = ["a", "b", "c"] };
        var pca = Pca.Fit(data, components: 2);

        var transformed = pca.Transform(data);

        Assert.Equal(2, transformed.FeatureCount);
        Assert.Equal(50, transformed.Count);
        Assert.Equal(labels, transformed.Labels);
        Assert.Equal(["pc1", "pc2"], transformed.FeatureNames);
        Assert.Equal(["a", "b", "c"], transformed.ClassNames);
        Assert.Equal(pca.Transform(x, 4), transformed.Features);
        Assert.Equal(x, data.Features); // the input is not changed
    }

    [Fact]
    public void Constant_and_repeated_directions_are_handled()
    {
        // Feature 1 constant; features 0 and 2 independent with equal variance (a repeated eigenvalue).
        float[] x = [1, 5, 0, -1, 5, 0, 0, 5, 1, 0, 5, -1];
        var pca = Pca.Fit(x, 3);
        Expect.Close([0.5, 0.5, 0], ToFloat(pca.ExplainedVariance), 1e-12);
        var c = Covariance(pca.Transform(x, 3), 3);
        Expect.Close(0, c[0, 1], 1e-12);

        var error = Assert.Throws<ArgumentException>(() => Pca.Fit(x, 3, whiten: true));
        Assert.Contains("component 3 has zero variance", error.Message);
        Assert.Contains("keep at most 2 components", error.Message);
        Assert.Equal(2, Pca.Fit(x, 3, components: 2, whiten: true).ComponentCount);

        // One row, one feature: zero variance everywhere, and still a fit.
        var single = Pca.Fit([4f], 1);
        Assert.Equal(0, single.ExplainedVariance[0]);
        Assert.Equal([0f], single.Transform([4f], 1));
        Assert.Equal([0.0], single.ExplainedVarianceRatio());
    }

    [Fact]
    public void Bad_input_is_refused_saying_what_and_where()
    {
        var x = Correlated(10, 4, 4, seed: 2);
        x[3 * 4 + 1] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => Pca.Fit(x, 4));
        Assert.Contains("feature 1 of row 3 is NaN", nan.Message);
        x[3 * 4 + 1] = float.NegativeInfinity;
        Assert.Contains("feature 1 of row 3 is −∞", Assert.Throws<ArgumentException>(() => Pca.Fit(x, 4)).Message);

        var good = Correlated(10, 4, 4, seed: 2);
        Assert.Throws<ArgumentException>(() => Pca.Fit([], 4));
        Assert.Contains("not a whole number of rows of 3", Assert.Throws<ArgumentException>(() => Pca.Fit(good, 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(good, 4, components: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(good, 4, components: 5));

        var pca = Pca.Fit(good, 4, components: 2);
        Assert.Contains("expects rows of 4 but is given rows of 5", Assert.Throws<ArgumentException>(() => pca.Transform(new float[10], 5)).Message);
        Assert.Contains("not a whole number of rows of 4", Assert.Throws<ArgumentException>(() => pca.Transform(new float[10], 4)).Message);
        Assert.Contains("need 6 floats but the destination holds 5",
            Assert.Throws<ArgumentException>(() => pca.Transform(new float[12], 4, new float[5])).Message);
        Assert.Contains("not a whole number of rows of 2", Assert.Throws<ArgumentException>(() => pca.InverseTransform(new float[3])).Message);
        Assert.Contains("need 8 floats but the destination holds 9",
            Assert.Throws<ArgumentException>(() => pca.InverseTransform(new float[4], new float[9])).Message);
    }

    [Fact]
    public void Saved_and_loaded_it_transforms_to_the_bit()
    {
        const int d = 6;
        var x = Correlated(80, d, d, seed: 8);
        var pca = Pca.Fit(x, d, components: 4, whiten: true);
        string path = _folder.File("pca.sgpca");

        pca.Save(path);
        var loaded = Pca.Load(path);

        Assert.Equal(pca.FeatureCount, loaded.FeatureCount);
        Assert.Equal(pca.ComponentCount, loaded.ComponentCount);
        Assert.Equal(pca.Whiten, loaded.Whiten);
        Assert.Equal(80, loaded.FittedRows);
        Assert.Equal(pca.TotalVariance, loaded.TotalVariance);
        Assert.Equal(pca.Mean.ToArray(), loaded.Mean.ToArray());
        Assert.Equal(pca.Components.ToArray(), loaded.Components.ToArray());
        Assert.Equal(pca.ExplainedVariance.ToArray(), loaded.ExplainedVariance.ToArray());
        Assert.Equal(pca.Transform(x, d), loaded.Transform(x, d));
    }

    [Fact]
    public void A_damaged_file_is_refused_naming_it()
    {
        var pca = Pca.Fit(Correlated(20, 3, 3, seed: 1), 3);
        string path = _folder.File("pca.bin");
        pca.Save(path);
        byte[] good = File.ReadAllBytes(path);

        var flipped = (byte[])good.Clone();
        flipped[60] ^= 1;
        File.WriteAllBytes(path, flipped);
        var corrupt = Assert.Throws<InvalidDataException>(() => Pca.Load(path));
        Assert.Contains(path, corrupt.Message);
        Assert.Contains("checksum mismatch", corrupt.Message);

        File.WriteAllBytes(path, good[..^10]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Pca.Load(path)).Message);

        File.WriteAllBytes(path, "not a pca at all"u8.ToArray());
        Assert.Contains("wrong magic bytes", Assert.Throws<InvalidDataException>(() => Pca.Load(path)).Message);
    }
}
