namespace SymbolicGrad.TrainerTests;

/// <summary>Deterministic synthetic datasets.</summary>
public static class Synthetic
{
    /// <summary>
    /// Gaussian blobs: class c has a random centre (N(0, separation²) per feature) and rows = centre + N(0, 1) noise;
    /// with probability <paramref name="labelNoise"/> a row gets a random label instead.
    /// </summary>
    public static Dataset Blobs(int count, int features, int classes, float separation, int seed, double labelNoise = 0)
    {
        var random = new Random(seed);
        var centres = new float[classes * features];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = separation * Normal(random);
        }

        var x = new float[count * features];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            int c = r % classes;
            for (int j = 0; j < features; j++)
            {
                x[r * features + j] = centres[c * features + j] + Normal(random);
            }

            labels[r] = random.NextDouble() < labelNoise ? random.Next(classes) : c;
        }

        return new Dataset(x, features, labels, classes);
    }

    /// <summary>y = x·A + 0.5 + small noise, with A fixed by the seed.</summary>
    public static Dataset Linear(int count, int features, int targets, int seed)
    {
        var random = new Random(seed);
        var a = new float[features * targets];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Normal(random);
        }

        var x = new float[count * features];
        var y = new float[count * targets];
        for (int r = 0; r < count; r++)
        {
            for (int j = 0; j < features; j++)
            {
                x[r * features + j] = Normal(random);
            }

            for (int t = 0; t < targets; t++)
            {
                float sum = 0.5f;
                for (int j = 0; j < features; j++)
                {
                    sum += x[r * features + j] * a[j * targets + t];
                }

                y[r * targets + t] = sum + 0.01f * Normal(random);
            }
        }

        return new Dataset(x, features, y, targets);
    }

    public static float Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public static TrainerOptions Quiet(int seed = 0) => new() { Seed = seed, Progress = TrainingProgress.Silent };
}
