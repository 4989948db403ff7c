using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Samples given as views at odd offsets of a NaN-padded array (rows of one matrix, labels in a padded array) give
/// the same results as samples in arrays of their own: generated code honours Offset and reads nothing outside.
/// </summary>
public sealed class ViewTests
{
    /// <summary>Every case of the catalogue.</summary>
    public static TheoryData<string> Cases => NetworkCatalogue.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_sample_views_give_the_same_as_copies(string name)
    {
        NetworkCase copies = NetworkCatalogue.Create(name, DataLayout.Copies);
        NetworkCase views = NetworkCatalogue.Create(name, DataLayout.Views);
        for (int i = 0; i < copies.Data.Count; i++)
        {
            float copyLoss = 0, viewLoss = 0;
            float[] copyGradient = copies.GradientOf(() => copyLoss = copies.LossGradient(i));
            float[] viewGradient = views.GradientOf(() => viewLoss = views.LossGradient(i));
            Assert.Equal(copyLoss, viewLoss);
            Expect.Identical(viewGradient, copyGradient, $"{name}: gradient of sample {i} given as a view");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_views_give_the_same_as_copies(string name)
    {
        NetworkCase copies = NetworkCatalogue.Create(name, DataLayout.Copies);
        NetworkCase views = NetworkCatalogue.Create(name, DataLayout.Views);
        foreach ((int start, int count) in new[] { (0, copies.Data.Count), (3, 5), (16, 1) })
        {
            float copyLoss = 0, viewLoss = 0;
            float[] copyGradient = copies.GradientOf(() => copyLoss = copies.LossGradientBatch(start, count));
            float[] viewGradient = views.GradientOf(() => viewLoss = views.LossGradientBatch(start, count));
            Assert.Equal(copyLoss, viewLoss);
            Expect.Identical(viewGradient, copyGradient, $"{name}: batch gradient of samples {start}..{start + count - 1} given as views");
            Assert.Equal(copies.LossBatch(start, count), views.LossBatch(start, count));
        }
    }
}
