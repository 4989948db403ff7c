using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.Benchmarks.TorchComparison;

// dotnet run -c Release -- --wall-clock --filter '*'  : the training steps side by side in process on the wall clock: ours on every core
//                                                      (--threads N for fewer), TorchSharp on one thread and on every core
// dotnet run -c Release -- --cpu-clock --filter '*'   : everything on one thread, timed by thread CPU time (TorchSharpAllCores is then meaningless)
// dotnet run -c Release -- --filter '*'               : the wall-clock job, one process per case (use on a quiet machine)
// dotnet run -c Release -- --paired [--settle MS] [batch… deep] : interleaved wall-clock samples of generated, hand-written, TorchSharp 1 thread and every core
// dotnet run -c Release -- --blocks [--rounds R] [batch… deep]   : each step in turn for long stretches of consecutive steps, medians of block means
// dotnet run -c Release -- --isolated [--rounds R] [batch… deep] : each step and size in a process of its own, the same blocks (the fair verdict)
// dotnet run -c Release -- --spin-after 64|deep      : CPU the other threads burn after each paired method's sample (why --paired pauses)
// dotnet run -c Release -- --digits DIR [--threads N] [--model cnn] [--batchnorm] [--dropout P] [--seed N] : the Digits sample's recipe in TorchSharp, as a whole process
// --torch-flush-denormal first (before any other option): torch.set_flush_denormal(true) for the whole process (FTZ/DAZ; see TorchFlushDenormal)
// Filters: '*SmallMlp*' (784-128-10 at batch 1, 16, 64, 256), '*DeepMlp*' (784-512-512-10 at 256).
if (args.Length > 0 && args[0] == "--torch-flush-denormal")
{
    // Before anything starts a thread: the pools created later inherit the flags.
    Console.WriteLine(TorchFlushDenormal.TurnOn());
    args = args[1..];
}

if (args.Length > 1 && args[0] == "--digits")
{
    // --digits DIR [--threads N] [--model mlp|cnn] [--batchnorm] [--dropout P] [--seed N], as the Digits sample reads them.
    int threads = Environment.ProcessorCount, seed = 0;
    bool cnn = false, batchNorm = false;
    double dropout = 0;
    for (int i = 2; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--threads": threads = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
            case "--model": cnn = args[++i] == "cnn"; break;
            case "--batchnorm": batchNorm = true; break;
            case "--dropout": dropout = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }
    return TorchSharpDigits.Run(args[1], threads, cnn, batchNorm, dropout, seed);
}

if (args.Length > 0 && args[0] == "--paired")
{
    // --paired [--settle MS] [batch… deep]: MS milliseconds of pause between samples (default 30; 0 = back to back).
    int settle = 30;
    var rest = args[1..].ToList();
    int at = rest.IndexOf("--settle");
    if (at >= 0)
    {
        settle = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
        rest.RemoveRange(at, 2);
    }

    string[] choice = rest.Count > 0 ? [.. rest] : ["1", "16", "64", "256", "deep"];
    PairedComparison.Run(choice, settle);
    return 0;
}

if (args.Length > 0 && args[0] is "--blocks" or "--isolated")
{
    // --blocks | --isolated [--rounds R] [batch… deep]
    var rest = args[1..].ToList();
    int at = rest.IndexOf("--rounds");
    int? rounds = null;
    if (at >= 0)
    {
        rounds = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
        rest.RemoveRange(at, 2);
    }

    string[] choice = rest.Count > 0 ? [.. rest] : ["1", "16", "64", "256", "deep"];
    if (args[0] == "--blocks") ConsecutiveComparison.Run(choice, rounds ?? 5);
    else IsolatedComparison.Run(choice, rounds ?? 3);
    return 0;
}

if (args.Length == 3 && args[0] == "--child")
{
    // The parent of --isolated runs: --child KEY SIZE.
    return IsolatedComparison.Child(args[1], args[2]);
}

if (args.Length == 2 && args[0] == "--spin-after")
{
    SpinAfterStep.Run(args[1]);
    return 0;
}

args = TrainingStepConfig.ReadOptions(args);

BenchmarkSwitcher.FromAssembly(typeof(TorchSharpStepBenchmarks).Assembly).Run(args);
return 0;
