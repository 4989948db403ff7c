using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.Benchmarks.TorchComparison;

// dotnet run -c Release -- --wall-clock --filter '*'  : the training steps side by side in process on the wall clock: ours on every core
//                                                      (--threads N for fewer), TorchSharp on one thread and on every core
// dotnet run -c Release -- --cpu-clock --filter '*'   : everything on one thread, timed by thread CPU time (TorchSharpAllCores is then meaningless)
// dotnet run -c Release -- --filter '*'               : the wall-clock job, one process per case (use on a quiet machine)
// dotnet run -c Release -- --paired [batch… deep]     : interleaved wall-clock samples of generated, TorchSharp 1 thread and every core
// dotnet run -c Release -- --digits DIR [--threads N] [--model cnn] [--batchnorm] [--dropout P] : the Digits sample's recipe in TorchSharp, as a whole process
// Filters: '*SmallMlp*' (784-128-10 at batch 1, 16, 64, 256), '*DeepMlp*' (784-512-512-10 at 256).
if (args.Length > 1 && args[0] == "--digits")
{
    // --digits DIR [--threads N] [--model mlp|cnn] [--batchnorm] [--dropout P], as the Digits sample reads them.
    int threads = Environment.ProcessorCount;
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
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }
    return TorchSharpDigits.Run(args[1], threads, cnn, batchNorm, dropout);
}

if (args.Length > 0 && args[0] == "--paired")
{
    string[] choice = args.Length > 1 ? args[1..] : ["1", "16", "64", "256", "deep"];
    PairedComparison.Run(choice);
    return 0;
}

args = TrainingStepConfig.ReadOptions(args);

BenchmarkSwitcher.FromAssembly(typeof(TorchSharpStepBenchmarks).Assembly).Run(args);
return 0;
