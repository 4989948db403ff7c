namespace SymbolicGrad.CompilerServices;

/// <summary>
/// Turns off changes to the threaded kernels one by one, so a benchmark can alternate a change with what it replaced in
/// one process (on a loaded machine only side-by-side blocks compare). All on by default; results are the same bits
/// either way.
/// </summary>
internal static class KernelSwitches
{
    /// <summary>Chunks of a large product halve within each thread's block (off: a few equal chunks per thread).</summary>
    internal static bool HalvingChunks { get; set; } = true;

    /// <summary>A product cut by rows in chunks cuts at every 6-row panel (off: at 12 rows, the rows left over added to the last unit).</summary>
    internal static bool PanelRowUnits { get; set; } = true;

    /// <summary>Six-row panels of A are packed by 8 × 8 register transposes (off: value by value).</summary>
    internal static bool VectorPacking { get; set; } = true;

    /// <summary>
    /// The overwriting products (<c>Kernels.MatMul</c>, <c>MatMulABt</c>, <c>MatVec</c>, …) write their first block of k
    /// over C (off: they clear C on the calling thread and add, as generated code did before them).
    /// </summary>
    internal static bool OverwritingProducts { get; set; } = true;

    /// <summary>Packing a six-row panel of A prefetches the next panel's rows (off: the hardware prefetchers alone).</summary>
    internal static bool PrefetchPanels { get; set; } = true;

    /// <summary>A partial tile of at most 4 or 2 rows runs a 4- or 2-row micro-kernel (off: the full 6-row kernel on zero rows).</summary>
    internal static bool FewRowEdges { get; set; } = true;

    /// <summary>A row-major op(B) whose panels are all full is read in place by the micro-kernel (off: packed first).</summary>
    internal static bool RowsOfBInPlace { get; set; } = true;

    /// <summary>
    /// The packed product runs 512-bit micro-kernels (12 × 32 and 6 × 32 tiles) where <c>Vector512</c> is accelerated
    /// (off: the 256-bit 6 × 16 kernel everywhere). The same bits either way.
    /// </summary>
    internal static bool Vector512Products { get; set; } = true;

    /// <summary>
    /// The matrix–vector kernel <c>A·x</c> walks A's rows from the last block to the first (off: from the first), so the
    /// next step's forward pass meets first the rows its update left in cache. The same bits either way.
    /// </summary>
    internal static bool MatVecLastRowsFirst { get; set; } = true;

    /// <summary>The dot kernel (A·Bᵀ) walks B's rows from the last tile to the first (off: from the first). The same bits either way.</summary>
    internal static bool DotLastRowsOfBFirst { get; set; } = true;

    /// <summary>
    /// Elements of A a part of the matrix–vector and outer-product jobs (<c>VectorJob</c>, <c>OuterJob</c>: memory-bound)
    /// needs at least; benchmarks compare settings. At 64 K the 784-128 layer at batch 1 (100,352) stays on one thread:
    /// on a 2-core virtual machine whose cores signal each other slowly (a dispatch's round trip ~1 µs) its step took
    /// 12.2 µs on one thread against 14–15 µs on two (16 K), with half the CPU time.
    /// </summary>
    internal static long VectorMinPerPart { get; set; } = 64 * 1024;

    /// <summary>
    /// A <see cref="Trainer"/> times its steps with the small vector passes split and not (<see cref="SmallSplitTuner"/>)
    /// and keeps the faster (off: every step follows <see cref="VectorMinPerPart"/>, for benchmarks that compare it).
    /// </summary>
    internal static bool TuneSmallSplit { get; set; } = true;


    /// <summary>The fused step's finiteness bounds run on the worker pool (off: on the calling thread).</summary>
    internal static bool ParallelCheck { get; set; } = true;

    /// <summary>Element-wise passes over a large batch (<see cref="RowLoop"/>, the row kernels) run on the worker pool (off: on the calling thread).</summary>
    internal static bool ParallelRows { get; set; } = true;

    /// <summary>
    /// The vector kernels outside the packed GEMM (<c>Aᵀ·x</c>, column sums, bias and ReLU rows, the optimizer's update
    /// loop, the finiteness bounds) run 16-float bodies where AVX-512 is native (off: the 8-float ones). Each element
    /// gets the same operations in the same order either way: the same bits (<see cref="Kernels.UseVector512"/>).
    /// </summary>
    internal static bool Vector512Vectors { get; set; } = true;

    /// <summary>
    /// Tests only: run the 512-bit micro-kernels and the 16-float bodies even where Vector512 is not native (.NET
    /// emulates it, slowly, with the same per-element arithmetic), so their results are checked on an AVX2-only machine;
    /// <see cref="Vector512Products"/> and <see cref="Vector512Vectors"/> still turn them off.
    /// </summary>
    internal static bool Vector512Emulated { get; set; }

    /// <summary>
    /// The smallest work (multiply-adds, or floats read for the vector kernels) split over threads; raising it keeps
    /// the step's small products and column sums on the calling thread (for benchmarks that compare thresholds).
    /// </summary>
    internal static long MinSplitWork { get; set; }
}
