using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.Benchmarks.TorchComparison;

// dotnet run -c Release -- --cpu-clock --filter '*' : the three training steps side by side, in process, timed by thread CPU time
// dotnet run -c Release -- --filter '*'             : the same job on the wall clock, one process per case (use on a quiet machine)
// Filters: '*SmallMlp*' (784-128-10 at batch 1, 16, 64, 256), '*DeepMlp*' (784-512-512-10 at 256).
if (args.Length > 0 && args[0] == "--cpu-clock")
{
    Environment.SetEnvironmentVariable(TrainingStepConfig.ClockVariable, "cpu");
    args = args[1..];
}

BenchmarkSwitcher.FromAssembly(typeof(TorchSharpStepBenchmarks).Assembly).Run(args);
