using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests;

/// <summary>Checkpoints of the model's state, mode and random stream (format version 2), and version-1 files.</summary>
public sealed class ModelStateCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static Dataset Blobs() => Synthetic.Blobs(240, features: 10, classes: 4, separation: 1.5f, seed: 11);

    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void State_mode_and_random_stream_round_trip()
    {
        var model = new NormalizedDropoutMlp(10, 16, 4, p: 0.3f, seed: 5) { RandomSeed = -12345, RandomStep = 1L << 40, Training = false };
        Reference(16).CopyTo(model.Norm.RunningMean.Span);
        Reference(16, 1).CopyTo(model.Norm.RunningVariance.Span);
        string path = _folder.File("state.sgckpt");
        Checkpoint.Save(model, path, completedEpochs: 4);

        var fresh = new NormalizedDropoutMlp(10, 16, 4, p: 0.3f, seed: 9);
        var info = Checkpoint.Load(fresh, path);

        Assert.True(Bits.Identical(model.Parameters.Values, fresh.Parameters.Values));
        Assert.True(Bits.Identical(model.Parameters.State, fresh.Parameters.State));
        Assert.False(fresh.Training);
        Assert.Equal(-12345, fresh.RandomSeed);
        Assert.Equal(1L << 40, fresh.RandomStep);
        Assert.Equal(2, info.Version);
        Assert.False(info.Training);
        Assert.Equal(["bn.RunningMean: Vec[16]", "bn.RunningVariance: Vec[16]"], info.StateTensors.Select(t => $"{t.Name}: {t.Shape}"));
        Assert.Equal(32, info.StateCount);
        Assert.Contains("bn.Gamma", info.Tensors.Select(t => t.Name));
        Assert.Equal("6 parameters (276 floats), 2 state tensors (32 floats), evaluation mode, epoch 4, no optimizer state", info.ToString());

        model.Training = true;
        Checkpoint.Save(model, path);
        Checkpoint.Load(fresh, path);
        Assert.True(fresh.Training);
    }

    static float[] Reference(int n, int seed = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() + 0.5f).ToArray();
    }

    [Fact]
    public void Resuming_with_batch_norm_and_dropout_continues_exactly_like_an_uninterrupted_run()
    {
        var options = Synthetic.Quiet(seed: 3) with { ValidationFraction = 0.25 };
        var straight = new NormalizedDropoutMlp(10, 16, 4, p: 0.3f, seed: 5) { RandomSeed = 8 };
        new SymbolicGrad.Trainer(straight, new Adam(0.01f), options).Fit(Blobs(), epochs: 4, batchSize: 16);

        string path = _folder.File("resume.sgckpt");
        var first = new NormalizedDropoutMlp(10, 16, 4, p: 0.3f, seed: 5) { RandomSeed = 8 };
        new SymbolicGrad.Trainer(first, new Adam(0.01f), options with { CheckpointPath = path }).Fit(Blobs(), epochs: 2, batchSize: 16);
        var resumed = new NormalizedDropoutMlp(10, 16, 4, p: 0.3f, seed: 42);
        var trainer = new SymbolicGrad.Trainer(resumed, new Adam(0.01f), options);
        var info = trainer.ResumeFrom(path);
        trainer.Fit(Blobs(), epochs: 2, batchSize: 16);

        Assert.Equal(8, info.RandomSeed);
        Assert.Equal(24, info.RandomStep); // 2 epochs × 12 batches drawn masks
        Assert.True(Bits.Identical(straight.Parameters.Values, resumed.Parameters.Values));
        Assert.True(Bits.Identical(straight.Parameters.State, resumed.Parameters.State));
        Assert.Equal(straight.RandomStep, resumed.RandomStep);
    }

    [Fact]
    public void A_version_1_checkpoint_still_loads_and_leaves_mode_and_random_stream_alone()
    {
        // Written by the version-1 runtime: TinyMlp(6, 8, 3, seed: 2) after one Momentum(0.05, 0.9) step with every
        // gradient 0.25, saved with the optimizer as epoch 3.
        var expected = new TinyMlp(6, 8, 3, seed: 2);
        var momentum = new Momentum(0.05f, 0.9f);
        var gradients = new float[expected.Parameters.Count];
        Array.Fill(gradients, 0.25f);
        momentum.Step(expected.Parameters.Values, gradients);

        var model = new TinyMlp(6, 8, 3, seed: 99) { Training = false, RandomSeed = 4, RandomStep = 7 };
        var restored = new Momentum(0.05f, 0.9f);
        var info = Checkpoint.Load(model, Fixture("tinymlp-v1.sgckpt"), restored);

        Assert.Equal(1, info.Version);
        Assert.Null(info.Training);
        Assert.Empty(info.StateTensors);
        Assert.Equal(3, info.CompletedEpochs);
        Assert.Equal("4 parameters (83 floats), epoch 3, SymbolicGrad.Momentum state at step 1", info.ToString());
        Assert.True(Bits.Identical(expected.Parameters.Values, model.Parameters.Values));
        Assert.True(Bits.Identical(momentum.Velocity, restored.Velocity));
        Assert.Equal(1, restored.StepCount);
        Assert.False(model.Training);
        Assert.Equal(4, model.RandomSeed);
        Assert.Equal(7, model.RandomStep);
    }

    [Fact]
    public void State_that_does_not_match_is_refused_and_nothing_changes()
    {
        var withState = new ParameterStore();
        withState.BatchNorm(3, name: "bn");
        var without = new ParameterStore();
        without.Vector(3, name: "bn.Gamma");
        without.Vector(3, name: "bn.Beta");
        var otherState = new ParameterStore();
        otherState.Vector(3, name: "bn.Gamma");
        otherState.Vector(3, name: "bn.Beta");
        otherState.Conv2d(1, 1, 1, name: "c"); // parameters differ first
        string stateful = _folder.File("stateful.sgckpt");
        string stateless = _folder.File("stateless.sgckpt");
        Checkpoint.Save(withState, stateful);
        Checkpoint.Save(without, stateless);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(without, stateful));
        Assert.Contains("state mismatch: the file has 2 state tensors (bn.RunningMean: Vec[3], bn.RunningVariance: Vec[3]) but the model has none", error.Message);
        error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(withState, stateless));
        Assert.Contains("state mismatch: the file has no state but the model has 2 (bn.RunningMean: Vec[3], bn.RunningVariance: Vec[3])", error.Message);
        error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(new NormalizedDropoutMlp(10, 16, 4, 0.3f), Fixture("tinymlp-v1.sgckpt")));
        Assert.Contains("shape mismatch", error.Message);
        Assert.Equal([1f, 1f, 1f], withState.Values[..3].ToArray());
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], withState.State.ToArray());
    }

    [Fact]
    public void A_store_without_a_model_keeps_its_state_too()
    {
        var store = new ParameterStore();
        var bn = store.BatchNorm(2, name: "norm");
        bn.RunningMean.Span[1] = 3f;
        string path = _folder.File("store.sgckpt");
        Checkpoint.Save(store, path);
        var other = new ParameterStore();
        var otherBn = other.BatchNorm(2, name: "norm");

        var info = Checkpoint.Load(other, path);

        Assert.Equal(3f, otherBn.RunningMean[1]);
        Assert.True(info.Training);
    }
}
