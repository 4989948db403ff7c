namespace SymbolicGrad.Training.Tests.Data;

/// <summary>The MNIST subset shipped in samples/Digits/Data loads with the IDX reader and looks like MNIST.</summary>
public class EmbeddedDigitsTests
{
    static string DataFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SymbolicGrad.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "Digits", "Data");
            }
        }
        throw new DirectoryNotFoundException("SymbolicGrad.sln not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData("train", 5000)]
    [InlineData("t10k", 1000)]
    public void Embedded_digits_load_with_labels_0_to_9_and_balanced_classes(string prefix, int count)
    {
        string folder = DataFolder();
        var data = Idx.ReadDataset(
            Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"),
            Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"));

        Assert.Equal(count, data.Count);
        Assert.Equal(784, data.FeatureCount);
        Assert.Equal(10, data.ClassCount);
        // Every digit is between 7% and 13% of the set (MNIST's classes are 9%–11%).
        Assert.All(data.ClassCounts(), n => Assert.InRange(n, count * 7 / 100, count * 13 / 100));
        // MNIST's mean pixel is 0.1307; images are mostly background with some full-ink pixels.
        Assert.InRange(data.Features.Average(), 0.12, 0.14);
        Assert.Equal(1f, data.Features.Max());
    }

    [Fact]
    public void Pca_of_the_training_digits_decorrelates_every_pixel_and_whitens_the_first_fifty()
    {
        string folder = DataFolder();
        var train = Idx.ReadDataset(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        var test = Idx.ReadDataset(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));

        var pca = Pca.Fit(train);
        // The border pixels never have ink: their directions have (numerically) zero variance.
        double[] variance = pca.ExplainedVariance.ToArray();
        Assert.Equal(variance.OrderByDescending(v => v), variance);
        Assert.InRange(variance.Count(v => v > 1e-9 * variance[0]), 500, 717);
        // Fifty components keep most of the ink's variance (about 80% on MNIST).
        Assert.InRange(pca.ExplainedVarianceRatio().Take(50).Sum(), 0.75, 0.9);

        var fifty = Pca.Fit(train, components: 50, whiten: true);
        var whitened = fifty.Transform(train);
        var c = new double[50, 50];
        for (int r = 0; r < whitened.Count; r++)
        {
            var row = whitened.Row(r);
            for (int i = 0; i < 50; i++)
            {
                for (int j = 0; j < 50; j++)
                {
                    c[i, j] += (double)row[i] * row[j] / whitened.Count; // the components have mean 0 on the training rows
                }
            }
        }

        for (int i = 0; i < 50; i++)
        {
            for (int j = 0; j < 50; j++)
            {
                Assert.True(Math.Abs(c[i, j] - (i == j ? 1 : 0)) <= 1e-5, $"covariance ({i}, {j}) of the whitened components is {c[i, j]:R}");
            }
        }

        // The test digits are transformed with the training fit; they are not white, but nearly.
        var onTest = fifty.Transform(test);
        double firstVariance = Enumerable.Range(0, onTest.Count).Average(r => (double)onTest.Row(r)[0] * onTest.Row(r)[0]);
        Assert.InRange(firstVariance, 0.8, 1.25);
    }
}
