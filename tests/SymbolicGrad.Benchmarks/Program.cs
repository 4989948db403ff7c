using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks;
using SymbolicGrad.Benchmarks.Profiling;

// dotnet run -c Release -- --quick [m n k] : Stopwatch GFLOP/s of the GEMM kernels, in seconds
// dotnet run -c Release -- --profile [batch…] : Stopwatch breakdown of the training step (default 1 16 64 256, and the deep MLP)
// dotnet run -c Release -- --filter '*StepBenchmarks*' : the training-step benchmark of issue 3 (wall clock)
// dotnet run -c Release -- --cpu-clock --filter '*StepBenchmarks*' : the same in process, timed by thread CPU time
// dotnet run -c Release -- --filter '*'    : the BenchmarkDotNet suite
if (args.Length > 0 && args[0] == "--quick")
{
    int[] shape = args.Length == 4 ? [int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3])] : [256, 128, 784];
    QuickGflops.Run(shape[0], shape[1], shape[2]);
    return;
}

if (args.Length > 0 && args[0] == "--profile")
{
    int[] batches = args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [1, 16, 64, 256];
    StepProfile.Run(batches, deep: args.Length == 1);
    return;
}

if (args.Length > 0 && args[0] == "--cpu-clock")
{
    Environment.SetEnvironmentVariable(SymbolicGrad.Benchmarks.Training.TrainingStepConfig.ClockVariable, "cpu");
    args = args[1..];
}

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
