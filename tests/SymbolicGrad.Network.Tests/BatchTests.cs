using SymbolicGrad.Network.Tests.Checking;

namespace SymbolicGrad.Network.Tests;

/// <summary>The batched forms equal the per-sample forms averaged over the batch, to float rounding.</summary>
public sealed class BatchTests
{
    // Matrix–matrix products sum in another order than B matrix–vector products.
    private const double Tolerance = 2e-5;

    /// <summary>Every case with batch sizes 1, 5 and 17 (the last not a multiple of any SIMD width).</summary>
    public static TheoryData<string, int, int> Batches
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (CaseFactory factory in NetworkCatalogue.All)
            {
                data.Add(factory.Name, 16, 1);
                data.Add(factory.Name, 2, 5);
                data.Add(factory.Name, 0, NetworkCatalogue.SampleCount);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void LossGradientBatch_equals_the_average_of_LossGradient(string name, int start, int count)
    {
        NetworkCase c = NetworkCatalogue.Create(name);
        double meanLoss = 0;
        var meanGradient = new double[c.Parameters.Count];
        for (int i = start; i < start + count; i++)
        {
            float loss = 0;
            float[] gradient = c.GradientOf(() => loss = c.LossGradient(i));
            meanLoss += loss / (double)count;
            for (int k = 0; k < gradient.Length; k++)
            {
                meanGradient[k] += gradient[k] / (double)count;
            }
        }

        float batchLoss = 0;
        float[] batchGradient = c.GradientOf(() => batchLoss = c.LossGradientBatch(start, count));
        Expect.Close(batchLoss, meanLoss, Tolerance, $"{name}.LossGradientBatch loss, batch of {count}");
        Expect.Close(batchGradient, meanGradient, Tolerance, $"{name}.LossGradientBatch gradient, batch of {count}");
        Expect.Close(c.LossBatch(start, count), meanLoss, Tolerance, $"{name}.LossBatch, batch of {count}");
    }
}
