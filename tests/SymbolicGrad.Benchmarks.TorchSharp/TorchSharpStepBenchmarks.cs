using BenchmarkDotNet.Attributes;
using SymbolicGrad.Benchmarks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// One full training step of a ReLU MLP with softmax cross-entropy, four ways in the same run: the hand-written
/// δ-recursion (<see cref="HandWrittenMlp"/>, the baseline) and the generated <c>LossGradientBatch</c>, both as
/// <see cref="Trainer.Step"/> takes them on <see cref="TrainingStepConfig.Threads"/> threads, and TorchSharp autograd
/// (<see cref="TorchSharpMlp"/>) on one thread and on every core. The first two are the steps of
/// <see cref="TrainingStepBenchmarks"/>. All start from the same parameters and read the same sequence of batches;
/// each has its own copy of the model.
/// </summary>
[Config(typeof(TorchSharpStepConfig))]
public abstract class TorchSharpStepBenchmarks : TrainingStepBenchmarks
{
    private TorchSharpMlp _torch = null!;
    private int _torchThreads = 1;

    /// <summary>The setup of <see cref="TorchSharpAllCores"/>: libtorch's intra-op pool gets every core.</summary>
    [GlobalSetup(Target = nameof(TorchSharpAllCores))]
    public void SetupAllCores()
    {
        _torchThreads = Environment.ProcessorCount;
        Setup();
    }

    private protected override void SetUpOthers(Mat x, ReadOnlySpan<int> labels)
    {
        TorchThreads.Use(_torchThreads);
        _torch = new TorchSharpMlp(Model.Layers(HandModel), Data, Batch, LearningRate, MomentumBeta);
        CheckTorchSharp(x, labels);
    }

    private protected override void WarmUpOthers()
    {
        TorchSharp();
        CheckLeaks();
    }

    /// <summary>TorchSharp autograd on one thread: zero_grad, forward, cross_entropy, backward, SGD step, in a dispose scope.</summary>
    [Benchmark]
    public float TorchSharp() => _torch.Step();

    /// <summary>
    /// The same TorchSharp step with libtorch's intra-op threads on every core (its own default). Time it on the wall
    /// clock (<c>--wall-clock</c> or out of process): the thread CPU clock would miss its helper threads' work.
    /// </summary>
    [Benchmark]
    public float TorchSharpAllCores() => _torch.Step();

    [GlobalCleanup(Target = nameof(HandWritten))]
    public void CleanupHandWritten() => Cleanup("hand-written", HandWritten);

    [GlobalCleanup(Target = nameof(Generated))]
    public void CleanupGenerated() => Cleanup("generated", Generated);

    [GlobalCleanup(Target = nameof(TorchSharp))]
    public void CleanupTorchSharp() => Cleanup("TorchSharp", TorchSharp);

    [GlobalCleanup(Target = nameof(TorchSharpAllCores))]
    public void CleanupTorchSharpAllCores() => Cleanup("TorchSharp on every core", TorchSharpAllCores);

    /// <summary>After timing <paramref name="step"/>: the thread check, then the models must still be finite.</summary>
    private void Cleanup(string method, Func<float> step)
    {
        CheckThreads(method, step);
        Cleanup();
        if (!_torch.AllFinite())
        {
            Console.WriteLine("// WARNING: the TorchSharp model's parameters are not finite after the run.");
        }

        _torch.Dispose();
    }

    /// <summary>
    /// Before timing: with small weights the TorchSharp loss must be finite and ≈ ln 10 (ten equally likely classes);
    /// from the parameters of the other two it must give the hand-written loss and gradients of batch 0. The hand-written
    /// model is back to zero gradients afterwards; nothing has been updated yet.
    /// </summary>
    private void CheckTorchSharp(Mat x, ReadOnlySpan<int> labels)
    {
        _torch.Scale(1e-3f);
        float small = _torch.Gradient(0, out _);
        if (!float.IsFinite(small) || MathF.Abs(small - MathF.Log(10)) > 0.01f)
        {
            throw new InvalidOperationException($"{Network}: TorchSharp's loss with small weights is {small}, expected ≈ ln 10 = {MathF.Log(10):F4}.");
        }

        _torch.Load(Model.Layers(HandModel));
        float torchLoss = _torch.Gradient(0, out var torchGradients);
        var parameters = HandModel.Parameters;
        parameters.ZeroGradients();
        float handLoss = Hand.GradientBatch(x, labels);
        var layers = Model.Layers(HandModel);
        float maxDiff = 0f, maxGradient = 0f;
        for (int l = 0; l < layers.Length; l++)
        {
            Compare(parameters.GradientOf(layers[l].Weight).Span, torchGradients[l].Weight);
            Compare(parameters.GradientOf(layers[l].Bias).Span, torchGradients[l].Bias);
        }

        parameters.ZeroGradients();
        float lossDiff = MathF.Abs(torchLoss - handLoss);
        if (!(maxDiff <= GradientAgreement.Tolerance && lossDiff <= GradientAgreement.Tolerance))
        {
            throw new InvalidOperationException($"{Network}, batch {Batch}: TorchSharp and hand-written disagree: loss {torchLoss} vs {handLoss}, largest gradient difference {maxDiff:G3}.");
        }

        Console.WriteLine($"// TorchSharp check: loss {small:F4} with small weights (ln 10 = {MathF.Log(10):F4}); from the shared parameters " +
            $"loss {torchLoss:F6} (hand-written {handLoss:F6}), largest gradient difference {maxDiff:G2} (largest gradient {maxGradient:G2}).");

        void Compare(ReadOnlySpan<float> hand, float[] torch)
        {
            if (hand.Length != torch.Length) throw new InvalidOperationException($"{Network}: TorchSharp layer shapes differ from the model's.");
            for (int i = 0; i < hand.Length; i++)
            {
                maxDiff = MathF.Max(maxDiff, MathF.Abs(hand[i] - torch[i]));
                maxGradient = MathF.Max(maxGradient, MathF.Abs(hand[i]));
            }
        }
    }

    /// <summary>Before timing: a TorchSharp step must leave no tensor alive (the dispose scope frees them all).</summary>
    private void CheckLeaks()
    {
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++) TorchSharp();
        long leaked = DisposeScopeManager.Statistics.ThreadTotalLiveCount - live;
        if (leaked != 0)
        {
            Console.WriteLine($"// WARNING: 10 TorchSharp steps left {leaked} more tensors alive.");
        }
    }

    /// <summary>
    /// After timing: the step must run on this thread only, or the thread CPU clock misses its helpers' work. Prints the
    /// CPU time of this thread, of the other native threads (libtorch's pools would be there) and of the runtime's own
    /// threads over 250 ms of steps, after 100 ms more that let the runtime finish compiling this check's own code.
    /// </summary>
    private static void CheckThreads(string method, Func<float> step)
    {
        CpuTime.Measure(step, milliseconds: 100);
        var usage = CpuTime.Measure(step, milliseconds: 250);
        double native = (double)usage.Native / usage.ThisThread, runtime = (double)usage.Runtime / usage.ThisThread;
        Console.WriteLine($"// Threads: libtorch intra-op {get_num_threads()}, inter-op {get_num_interop_threads()}, SymbolicGrad {Parallelism.MaxThreads}. Over {usage.Steps} more {method} steps " +
            $"the benchmark thread used {usage.ThisThread / 1e6:F0} ms of CPU time, the other native threads {native:P1} of that, the runtime's threads {runtime:P1}.");
        if (native > 0.05 && TrainingStepConfig.UsesCpuClock)
        {
            Console.WriteLine("// WARNING: other native threads did more than 5 % of the work; the thread CPU clock does not count it.");
        }
    }
}

/// <summary>The 784-128-10 MLP (the north-star DigitNet) at batch 1, 16, 64 and 256.</summary>
public class SmallMlpTorchSharpBenchmarks : TorchSharpStepBenchmarks
{
    /// <inheritdoc/>
    [Params(1, 16, 64, 256)]
    public override int Batch { get; set; }

    private protected override StepModel Model => StepModel.Small;
}

/// <summary>The 784-512-512-10 MLP at batch 256.</summary>
public class DeepMlpTorchSharpBenchmarks : TorchSharpStepBenchmarks
{
    /// <inheritdoc/>
    [Params(256)]
    public override int Batch { get; set; }

    private protected override StepModel Model => StepModel.Deep;
}

/// <summary>libtorch's threads: the intra-op (OpenMP/MKL) pool as asked, the inter-op pool on one thread.</summary>
internal static class TorchThreads
{
    private static bool _interOpSet;

    /// <summary>
    /// Sets the intra-op thread count to <paramref name="threads"/> and the inter-op count to 1 (which can be set once
    /// per process, before any parallel work; a single network's step has no independent operators to run at once).
    /// </summary>
    public static void Use(int threads)
    {
        set_num_threads(threads);
        if (_interOpSet) return;
        _interOpSet = true;
        try
        {
            set_num_interop_threads(1);
        }
        catch (Exception e)
        {
            Console.WriteLine($"// Could not set libtorch's inter-op threads to 1 ({e.Message.Split('\n')[0]}); they are {get_num_interop_threads()}.");
        }
    }
}
