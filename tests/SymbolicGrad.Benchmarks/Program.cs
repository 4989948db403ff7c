using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks;

// dotnet run -c Release -- --quick      : Stopwatch GFLOP/s of the GEMM kernels (seconds)
// dotnet run -c Release -- --filter '*' : the BenchmarkDotNet suite
if (args.Contains("--quick"))
{
    QuickGflops.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
