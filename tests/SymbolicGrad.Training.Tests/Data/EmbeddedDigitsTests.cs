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
}
