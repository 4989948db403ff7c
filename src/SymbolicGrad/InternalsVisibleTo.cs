using System.Runtime.CompilerServices;

// The tests reach the alternative GEMM paths (packed A·Bᵀ, fallback) directly; the benchmarks compare them.
[assembly: InternalsVisibleTo("SymbolicGrad.Runtime.Tests")]
[assembly: InternalsVisibleTo("SymbolicGrad.Benchmarks")]
