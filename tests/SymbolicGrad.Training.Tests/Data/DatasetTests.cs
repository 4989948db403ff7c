namespace SymbolicGrad.Training.Tests.Data;

public class DatasetTests
{
    /// <summary>n rows of 2 features: row i is [i, 10·i]; label i mod 3.</summary>
    static Dataset Rows(int n) => new(
        Enumerable.Range(0, n).SelectMany(i => new[] { (float)i, 10f * i }).ToArray(), 2,
        Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);

    [Fact]
    public void Split_is_deterministic_for_a_seed()
    {
        var (trainA, testA) = Rows(100).Split(0.2, seed: 42);
        var (trainB, testB) = Rows(100).Split(0.2, seed: 42);
        var (_, testC) = Rows(100).Split(0.2, seed: 43);

        Assert.Equal(testA.Features, testB.Features);
        Assert.Equal(trainA.Features, trainB.Features);
        Assert.NotEqual(testA.Features, testC.Features);
    }

    [Fact]
    public void Split_partitions_the_rows_and_keeps_their_order()
    {
        var (train, test) = Rows(100).Split(0.2, seed: 7);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, test.Count);

        var trainIds = Enumerable.Range(0, train.Count).Select(i => (int)train.Row(i)[0]).ToArray();
        var testIds = Enumerable.Range(0, test.Count).Select(i => (int)test.Row(i)[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, 100), trainIds.Concat(testIds).Order());
        Assert.Equal(trainIds.Order(), trainIds);
        Assert.Equal(testIds.Order(), testIds);
        // Rows stay whole: features and labels move together.
        for (int i = 0; i < test.Count; i++)
        {
            Assert.Equal(10f * testIds[i], test.Row(i)[1]);
            Assert.Equal(testIds[i] % 3, test.Labels![i]);
        }
    }

    [Fact]
    public void Split_keeps_at_least_one_row_on_each_side()
    {
        var (train, test) = Rows(3).Split(0.01, seed: 1);
        Assert.Equal(2, train.Count);
        Assert.Equal(1, test.Count);
    }

    [Fact]
    public void Split_refuses_bad_fractions_and_tiny_sets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rows(10).Split(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rows(10).Split(1, 1));
        var ex = Assert.Throws<InvalidOperationException>(() => Rows(1).Split(0.5, 1));
        Assert.Contains("1 row cannot be split", ex.Message);
    }

    [Fact]
    public void FromBytes_divides_by_255()
    {
        var data = Dataset.FromBytes([0, 51, 255, 102], 2, [1, 0], 2);
        Expect.Close([0.0, 0.2, 1.0, 0.4], data.Features);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(784 * 3)]
    public void FromBytes_gives_the_bits_of_each_byte_over_255_at_any_length(int length)
    {
        // The vector path takes 32 bytes at a time; the rest goes one by one. Every byte value occurs.
        var pixels = Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();
        var data = Dataset.FromBytes(pixels, 1, new byte[length], 1);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(pixels[i] / 255f, data.Features[i]);
        }
    }

    [Fact]
    public void MinMax_scaler_fits_on_train_and_applies_to_test()
    {
        // Feature 0 ranges 2..6, feature 1 ranges −1..1, feature 2 is constant.
        var train = new Dataset([2f, -1f, 5f, 6f, 1f, 5f, 4f, 0f, 5f], 3, [0f, 0f, 0f]);
        var test = new Dataset([8f, 0.5f, 7f], 3, [0f]);
        var scaler = MinMaxScaler.Fit(train);
        Expect.Close([2.0, -1.0, 5.0], scaler.Min);
        Expect.Close([6.0, 1.0, 5.0], scaler.Max);

        scaler.Transform(train);
        scaler.Transform(test);

        Expect.Close([0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.0], train.Features);
        Expect.Close([1.5, 0.75, 0.0], test.Features);
    }

    [Fact]
    public void Standardizer_fits_on_train_and_applies_to_test()
    {
        // Feature 0: 1, 3, 5 → mean 3, population std √(8/3); feature 1 constant 7 → only centred.
        var train = new Dataset([1f, 7f, 3f, 7f, 5f, 7f], 2, [0f, 0f, 0f]);
        var test = new Dataset([9f, 8f], 2, [0f]);
        var standardizer = Standardizer.Fit(train);
        double std = Math.Sqrt(8.0 / 3.0);
        Expect.Close([3.0, 7.0], standardizer.Mean);
        Expect.Close([std, 0.0], standardizer.StandardDeviation);

        standardizer.Transform(train);
        standardizer.Transform(test);

        Expect.Close([-2 / std, 0, 0, 0, 2 / std, 0], train.Features);
        Expect.Close([6 / std, 1.0], test.Features);
    }

    [Fact]
    public void Standardized_training_features_have_zero_mean_and_unit_variance()
    {
        var data = Rows(50);
        Standardizer.Fit(data).Transform(data);
        for (int f = 0; f < 2; f++)
        {
            var column = Enumerable.Range(0, 50).Select(i => (double)data.Row(i)[f]).ToArray();
            double mean = column.Average();
            Expect.Close(0.0, mean, 1e-6);
            Expect.Close(1.0, column.Select(x => (x - mean) * (x - mean)).Average(), 1e-5);
        }
    }

    [Fact]
    public void A_scaler_refuses_rows_of_another_width()
    {
        var scaler = MinMaxScaler.Fit(Rows(4));
        var ex = Assert.Throws<ArgumentException>(() => scaler.Transform(new float[6], 3));
        Assert.Contains("fitted on rows of 2 features but is given rows of 3", ex.Message);
    }

    [Fact]
    public void ScaleFeatures_multiplies_in_place()
    {
        var data = Rows(2);
        data.ScaleFeatures(0.5f);
        Assert.Equal([0f, 0f, 0.5f, 5f], data.Features);
    }

    [Fact]
    public void OneHot_puts_a_one_at_each_label()
    {
        var data = new Dataset(new float[3], 1, [2, 0, 1], 3);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f], data.OneHot());
    }

    [Fact]
    public void OneHot_into_a_buffer_checks_its_length_and_the_labels()
    {
        var ex = Assert.Throws<ArgumentException>(() => Dataset.OneHot([0, 1], 3, new float[5]));
        Assert.Contains("need 6 floats; the destination has 5", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Dataset.OneHot([0, 3], 3, new float[6]));
        Assert.Contains("Label 3 at index 1 is outside 0..2", ex.Message);
    }

    [Fact]
    public void Subset_Slice_and_CopyBatch_gather_rows()
    {
        var data = Rows(5);
        var subset = data.Subset([4, 1]);
        Assert.Equal([4f, 40f, 1f, 10f], subset.Features);
        Assert.Equal([1, 1], subset.Labels!);

        Assert.Equal([2f, 20f, 3f, 30f], data.Slice(2, 2).Features);

        var features = new float[4];
        var labels = new int[2];
        data.CopyBatch([3, 0], features, labels);
        Assert.Equal([3f, 30f, 0f, 0f], features);
        Assert.Equal([0, 0], labels);
    }

    [Fact]
    public void CopyBatch_allocates_nothing()
    {
        var data = Rows(64);
        var features = new float[32 * 2];
        var labels = new int[32];
        int[] indices = Enumerable.Range(0, 32).Select(i => 63 - 2 * i).ToArray();
        data.CopyBatch(indices, features, labels);
        // Measured up to three times: the runtime's own work on this thread (a tier-up of the JIT, a collection started
        // elsewhere) can show as a few bytes once; a copy that allocates allocates every time.
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                data.CopyBatch(indices, features, labels);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) break;
        }

        Assert.Equal(0, allocated);
        Assert.Equal(63f, features[0]);
    }

    [Fact]
    public void ClassCounts_counts_each_label()
    {
        Assert.Equal([4, 3, 3], Rows(10).ClassCounts());
    }

    [Fact]
    public void Regression_subsets_carry_their_targets()
    {
        var data = new Dataset([1f, 2f, 3f], 1, [10f, 11f, 20f, 21f, 30f, 31f], targetCount: 2);
        var subset = data.Subset([2, 0]);
        Assert.Equal([30f, 31f, 10f, 11f], subset.Targets!);
        var features = new float[1];
        var targets = new float[2];
        data.CopyBatch([1], features, targets);
        Assert.Equal([20f, 21f], targets);
    }

    [Fact]
    public void Constructors_refuse_inconsistent_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset(new float[7], 2, new int[3], 2));
        Assert.Contains("7 floats, not a whole number of rows of 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new Dataset(new float[6], 2, new int[2], 2));
        Assert.Contains("3 rows of 2 but there are 2 labels", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new Dataset(new float[2], 1, [0, 5], 3));
        Assert.Contains("Label 5 at row 1 is outside 0..2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new Dataset(new float[2], 1, new float[3]));
        Assert.Contains("2 rows but there are 3 target values", ex.Message);
    }

    [Fact]
    public void Label_and_target_accessors_refuse_the_wrong_kind()
    {
        var regression = new Dataset(new float[2], 1, new float[2]);
        Assert.Throws<InvalidOperationException>(() => regression.OneHot());
        Assert.Throws<InvalidOperationException>(() => Rows(2).CopyBatch([0], new float[2], new float[1]));
    }
}
