using System.Runtime.CompilerServices;

// The tests reach the alternative GEMM paths (packed A·Bᵀ, fallback) directly; the benchmarks compare them.
[assembly: InternalsVisibleTo("SymbolicGrad.Runtime.Tests")]
[assembly: InternalsVisibleTo("SymbolicGrad.Benchmarks")]

// The thread-count tests check that the work really was split (WorkerPool.Dispatches).
[assembly: InternalsVisibleTo("SymbolicGrad.Network.Tests")]

// The generator tests' thread-count property test turns off the straggler back-off and counts dispatches too.
[assembly: InternalsVisibleTo("SymbolicGrad.Generator.Tests")]
