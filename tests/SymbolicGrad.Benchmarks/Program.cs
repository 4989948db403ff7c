using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks;

// dotnet run -c Release -- --quick [m n k] : Stopwatch GFLOP/s of the GEMM kernels, in seconds
// dotnet run -c Release -- --filter '*'    : the BenchmarkDotNet suite
if (args.Length > 0 && args[0] == "--quick")
{
    int[] shape = args.Length == 4 ? [int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3])] : [256, 128, 784];
    QuickGflops.Run(shape[0], shape[1], shape[2]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
