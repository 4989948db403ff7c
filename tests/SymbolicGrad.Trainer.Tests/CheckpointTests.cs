using System.Buffers.Binary;
using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static Dataset Data() => Synthetic.Blobs(120, features: 6, classes: 3, separation: 1.5f, seed: 4);

    /// <summary>An MLP trained for two epochs with momentum, saved with its optimizer state.</summary>
    (TinyMlp Model, Momentum Optimizer, string Path) SavedTrainedModel(string name = "model.sgckpt")
    {
        var model = new TinyMlp(6, 8, 3, seed: 2);
        var optimizer = new Momentum(0.05f, 0.9f);
        var trainer = new SymbolicGrad.Trainer(model, optimizer, Synthetic.Quiet());
        trainer.Fit(Data(), epochs: 2, batchSize: 16);
        string path = _folder.File(name);
        trainer.SaveCheckpoint(path);
        return (model, optimizer, path);
    }

    [Fact]
    public void Parameters_round_trip_bit_for_bit_with_the_shape_table()
    {
        var (model, _, path) = SavedTrainedModel();
        var fresh = new TinyMlp(6, 8, 3, seed: 99);
        Assert.False(Bits.Identical(model.Parameters.Values, fresh.Parameters.Values));

        var info = Checkpoint.Load(fresh, path);

        Assert.True(Bits.Identical(model.Parameters.Values, fresh.Parameters.Values));
        Assert.Equal(Checkpoint.FormatVersion, info.Version);
        Assert.Equal(2, info.CompletedEpochs);
        Assert.Equal(model.Parameters.Count, info.ParameterCount);
        Assert.Equal(
            new[] { "W1: Mat[8×6]", "b1: Vec[8]", "W2: Mat[3×8]", "b2: Vec[3]" },
            info.Tensors.Select(t => $"{t.Name}: {t.Shape}"));
        Assert.Equal("SymbolicGrad.Momentum", info.OptimizerType);
        Assert.Equal(16, info.OptimizerStep); // 2 epochs × 8 batches
        Assert.Equal(info.ToString(), Checkpoint.Inspect(path).ToString());
    }

    [Fact]
    public void Optimizer_state_round_trips()
    {
        var (_, optimizer, path) = SavedTrainedModel();
        var fresh = new TinyMlp(6, 8, 3, seed: 99);
        var restored = new Momentum(0.05f, 0.9f);

        Checkpoint.Load(fresh, path, restored);

        Assert.Equal(optimizer.StepCount, restored.StepCount);
        Assert.True(Bits.Identical(optimizer.Velocity, restored.Velocity));
        Assert.Contains(optimizer.Velocity.ToArray(), v => v != 0);
    }

    [Fact]
    public void A_store_without_a_model_saves_and_loads_too()
    {
        var store = new ParameterStore();
        store.Matrix(2, 3, Init.Normal(1f, 5), name: "A");
        store.Vector(4, Init.Normal(1f, 6));
        string path = _folder.File("store.sgckpt");
        Checkpoint.Save(store, path);
        var other = new ParameterStore();
        other.Matrix(2, 3, Init.Zeros, name: "A");
        other.Vector(4);

        var info = Checkpoint.Load(other, path);

        Assert.True(Bits.Identical(store.Values, other.Values));
        Assert.Equal(new[] { "A", "p1" }, info.Tensors.Select(t => t.Name));
        Assert.False(info.HasOptimizerState);
    }

    [Theory]
    [InlineData("Sgd")]
    [InlineData("Momentum")]
    [InlineData("Nesterov")]
    [InlineData("RmsProp")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void Resuming_from_a_checkpoint_continues_exactly_like_an_uninterrupted_run(string name)
    {
        var options = Synthetic.Quiet(seed: 3) with { ValidationFraction = 0.25 };
        var straight = new TinyMlp(6, 8, 3, seed: 2);
        var straightHistory = new SymbolicGrad.Trainer(straight, Create(name), options).Fit(Data(), epochs: 4, batchSize: 16);

        var first = new TinyMlp(6, 8, 3, seed: 2);
        string path = _folder.File($"resume-{name}.sgckpt");
        new SymbolicGrad.Trainer(first, Create(name), options with { CheckpointPath = path }).Fit(Data(), epochs: 2, batchSize: 16);
        var resumed = new TinyMlp(6, 8, 3, seed: 42);
        var trainer = new SymbolicGrad.Trainer(resumed, Create(name), options);
        var info = trainer.ResumeFrom(path);
        var resumedHistory = trainer.Fit(Data(), epochs: 2, batchSize: 16);

        Assert.Equal(2, info.CompletedEpochs);
        Assert.True(info.HasOptimizerState); // even SGD: its step count drives the schedule
        Assert.Equal(new[] { 3, 4 }, resumedHistory.Epochs.Select(e => e.Epoch));
        Assert.Equal(straightHistory.Epochs.Skip(2).Select(e => e.ValidationLoss), resumedHistory.Epochs.Select(e => e.ValidationLoss));
        Assert.True(Bits.Identical(straight.Parameters.Values, resumed.Parameters.Values));
    }

    static Optimizer Create(string name) => name switch
    {
        "Sgd" => new Sgd(0.05f) { Schedule = LearningRateSchedule.Cosine(100) },
        "Momentum" => new Momentum(0.05f, 0.9f),
        "Nesterov" => new Nesterov(0.05f, 0.9f),
        "RmsProp" => new RmsProp(0.01f),
        "Adam" => new Adam(0.01f) { Schedule = LearningRateSchedule.Cosine(100).WithWarmup(5) },
        "AdamW" => new AdamW(0.01f, weightDecay: 0.01f) { MaxGradientNorm = 1f },
        _ => throw new ArgumentException(name),
    };

    // Loading `path` into a fresh 6-8-3 MLP must be refused with a message containing `expected`, changing nothing.
    void AssertRefused(string path, string expected, ITrainable? target = null, IOptimizer? optimizer = null)
    {
        target ??= new TinyMlp(6, 8, 3, seed: 99);
        float[] before = target.Parameters.Values.ToArray();
        byte[] file = File.ReadAllBytes(path);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(target, path, optimizer));

        Assert.Contains(expected, error.Message);
        Assert.Contains(Path.GetFullPath(path), error.Message);
        Assert.True(Bits.Identical(before, target.Parameters.Values));
        Assert.Equal(file, File.ReadAllBytes(path));
    }

    string Variant(string source, string name, Func<byte[], byte[]> change)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, change(File.ReadAllBytes(source)));
        return path;
    }

    [Theory]
    [InlineData(60)]   // in the shape table
    [InlineData(200)]  // in the parameter data
    [InlineData(-10)]  // in the optimizer state
    public void A_flipped_bit_is_refused_as_corrupt(int position)
    {
        var (_, _, path) = SavedTrainedModel();
        string bad = Variant(path, "flipped.sgckpt", bytes =>
        {
            bytes[position >= 0 ? position : bytes.Length + position] ^= 0x10;
            return bytes;
        });

        AssertRefused(bad, "corrupt: checksum mismatch");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(30)]
    [InlineData(500)]
    [InlineData(-1)]
    public void A_truncated_file_is_refused(int keep)
    {
        var (_, _, path) = SavedTrainedModel();
        string bad = Variant(path, "truncated.sgckpt", bytes => bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);

        AssertRefused(bad, "truncated");
    }

    [Fact]
    public void Extra_bytes_at_the_end_are_refused()
    {
        var (_, _, path) = SavedTrainedModel();
        string bad = Variant(path, "longer.sgckpt", bytes => [.. bytes, 0, 0, 0, 0]);

        AssertRefused(bad, "extra bytes");
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused_for_its_magic()
    {
        string bad = _folder.File("notes.txt");
        File.WriteAllText(bad, "these are not the parameters you are looking for");

        AssertRefused(bad, "wrong magic bytes");
    }

    [Fact]
    public void Another_format_version_is_refused()
    {
        var (_, _, path) = SavedTrainedModel();
        string bad = Variant(path, "v3.sgckpt", bytes =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 3);
            return bytes;
        });

        AssertRefused(bad, "wrong version: it is format version 3, this runtime reads versions 1 to 2");
    }

    [Fact]
    public void A_model_of_another_shape_is_refused_naming_the_parameter()
    {
        var (_, _, path) = SavedTrainedModel();

        AssertRefused(path, "shape mismatch: parameter 0 is 'W1: Mat[8×6]' in the file but 'W1: Mat[9×6]' in the model", new TinyMlp(6, 9, 3));
        AssertRefused(path, "shape mismatch: the file has 4 parameters", new SoftmaxRegression(6, 3));
    }

    [Fact]
    public void State_of_another_optimizer_is_refused_and_the_optimizer_stays_fresh()
    {
        var (_, _, path) = SavedTrainedModel();
        var adam = new Adam(0.01f);

        AssertRefused(path, "optimizer mismatch: the file holds the state of SymbolicGrad.Momentum but the optimizer given is SymbolicGrad.Adam", optimizer: adam);

        Assert.Equal(0, adam.StepCount);
        Assert.Equal(-1, adam.ParameterCount);
    }

    [Fact]
    public void Saving_replaces_the_file_atomically_and_leaves_no_temporary_files()
    {
        var (model, _, path) = SavedTrainedModel();
        model.Parameters.Values[0] += 1f;

        Checkpoint.Save(model, path);

        Assert.Equal(new[] { path }, Directory.GetFiles(_folder.Path));
        var fresh = new TinyMlp(6, 8, 3);
        Assert.False(Checkpoint.Load(fresh, path).HasOptimizerState);
        Assert.True(Bits.Identical(model.Parameters.Values, fresh.Parameters.Values));
    }

    [Fact]
    public void A_failed_save_leaves_the_old_checkpoint_and_no_temporary_file()
    {
        var (_, _, path) = SavedTrainedModel();
        byte[] before = File.ReadAllBytes(path);
        var used = new Momentum(0.1f);
        used.Step(new float[5], new float[5]); // now bound to 5 parameters

        Assert.Throws<ArgumentException>(() => Checkpoint.Save(new TinyMlp(6, 8, 3), path, used));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Missing_files_and_folders_are_reported()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(new TinyMlp(6, 8, 3), _folder.File("absent.sgckpt")));
        var error = Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Save(new TinyMlp(6, 8, 3), _folder.File("no/such/dir/x.sgckpt")));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void The_trainer_writes_a_checkpoint_after_every_epoch()
    {
        string path = _folder.File("every-epoch.sgckpt");
        var seen = new List<int>();
        var trainer = new SymbolicGrad.Trainer(new TinyMlp(6, 8, 3), new Momentum(0.05f), Synthetic.Quiet() with { CheckpointPath = path });
        trainer.EpochCompleted += (_, m) => seen.Add(File.Exists(path) ? Checkpoint.Inspect(path).CompletedEpochs : -1);

        trainer.Fit(Data(), epochs: 3, batchSize: 16);

        // The handler runs before that epoch's save, so it sees the previous one.
        Assert.Equal(new[] { -1, 1, 2 }, seen);
        Assert.Equal(3, Checkpoint.Inspect(path).CompletedEpochs);
    }
}
