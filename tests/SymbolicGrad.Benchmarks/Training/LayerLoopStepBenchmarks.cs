using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>
/// Issue 9's goal for loops over layers: a training step of the 784-512-512-10 MLP written with a loop over its layers
/// (<see cref="DeepLayerLoopMlp"/>) within 5% of the same net written out (<see cref="DeepMlp"/>, the baseline), at
/// batch 256, both through <see cref="Trainer.Step"/> with the fused momentum update. The Ratio column is the loop's
/// time over the unrolled one's. <see cref="HiddenLayerLoop"/> is the same net with its hidden layers in the loop and the
/// output layer after it (no condition on the counter). Runs with the training-step job (<c>--cpu-clock</c> for thread CPU time on a busy machine).
/// </summary>
[Config(typeof(Config))]
public class LayerLoopStepBenchmarks
{
    private TrainingData _data = null!;
    private Trainer _unrolled = null!, _loop = null!, _hiddenLoop = null!;

    /// <summary>Samples per step.</summary>
    [Params(256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = TrainingStepConfig.Threads;
        _data = new TrainingData(4096, seed: 11);
        var unrolled = new DeepMlp(seed: 3);
        var loop = new DeepLayerLoopMlp(seed: 3);
        var hiddenLoop = new DeepHiddenLoopMlp(seed: 3);
        var x = _data.Batch(0, Batch, out var labels);
        float a = unrolled.LossGradientBatch(x, labels), b = loop.LossGradientBatch(x, labels);
        bool same = a == b && unrolled.Parameters.Gradients.SequenceEqual(loop.Parameters.Gradients);
        Console.WriteLine($"// Loop and unrolled: losses {a} and {b}, gradients {(same ? "identical" : "DIFFERENT")}");
        float c = hiddenLoop.LossGradientBatch(x, labels);
        bool sameHidden = a == c && unrolled.Parameters.Gradients.SequenceEqual(hiddenLoop.Parameters.Gradients);
        Console.WriteLine($"// Hidden layers in a loop and unrolled: losses {a} and {c}, gradients {(sameHidden ? "identical" : "DIFFERENT")}");
        unrolled.Parameters.ZeroGradients();
        loop.Parameters.ZeroGradients();
        hiddenLoop.Parameters.ZeroGradients();
        var options = new TrainerOptions { Progress = TrainingProgress.Silent, FusedUpdate = true };
        _unrolled = new Trainer(unrolled, new Momentum(0.01f, 0.9f), options);
        _loop = new Trainer(loop, new Momentum(0.01f, 0.9f), options);
        _hiddenLoop = new Trainer(hiddenLoop, new Momentum(0.01f, 0.9f), options);
        // The first steps allocate the velocities and the workspaces; keep that out of the measurements.
        Unrolled();
        LayerLoop();
        HiddenLayerLoop();
    }

    /// <summary>The net written out, one trainer step.</summary>
    [Benchmark(Baseline = true)]
    public float Unrolled()
    {
        var x = _data.Next(Batch, out BatchTargets targets);
        return _unrolled.Step(x, targets);
    }

    /// <summary>The net written with a loop over its layers, one trainer step.</summary>
    [Benchmark]
    public float LayerLoop()
    {
        var x = _data.Next(Batch, out BatchTargets targets);
        return _loop.Step(x, targets);
    }

    /// <summary>The hidden layers in a loop, the output layer after it, one trainer step.</summary>
    [Benchmark]
    public float HiddenLayerLoop()
    {
        var x = _data.Next(Batch, out BatchTargets targets);
        return _hiddenLoop.Step(x, targets);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(TrainingStepConfig.CreateJob());
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumn(StatisticColumn.Median);
        }
    }
}
