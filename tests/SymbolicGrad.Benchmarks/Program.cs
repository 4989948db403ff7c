using BenchmarkDotNet.Running;
using SymbolicGrad.Benchmarks;
using SymbolicGrad.Benchmarks.EditCost;
using SymbolicGrad.Benchmarks.Profiling;

// dotnet run -c Release -- --quick [m n k] : Stopwatch GFLOP/s of the GEMM kernels, in seconds
// dotnet run -c Release -- --profile [batch… deep] : where the training step's time goes (default: 1 16 64 256 deep)
// dotnet run -c Release -- --filter '*StepBenchmarks*' : the training-step benchmark of issue 3 (wall clock)
// dotnet run -c Release -- --cpu-clock --filter '*StepBenchmarks*' : the same in process, timed by thread CPU time, one thread
// dotnet run -c Release -- --wall-clock [--threads N] --filter '*StepBenchmarks*' : in process on the wall clock, N threads (default every core)
// dotnet run -c Release -- --gemm [name part|other part] [--whole] : each GEMM of the deep MLP step (batch 256) on 1 thread (CPU time) and every core (wall clock), GFLOP/s and % of peak
// dotnet run -c Release -- --overwrite : the overwriting products (Kernels.MatMulABt, …) against clearing C and the Add form, 1 thread (CPU time) and every core (wall clock)
// dotnet run -c Release -- --switch-ab [--switch panels|edges|prefetch|edges+prefetch|b-in-place|vector512|vectors512|matvec-last-first|dot-last-first|last-first-when-split|small-split|tuned-split] [--threads 1] [256|deep]… : the generated step with a KernelSwitches change on and off, alternating blocks (wall clock; one thread: thread CPU time)
// dotnet run -c Release -- --packing : one thread, CPU time: each big product of the deep and the 784-128 step (batch 256), packing each operand alone, and each of 2 threads' share
// dotnet run -c Release -- --peak : the FMA peak (8- and 16-float vectors) of one core and of every core at once, and the deep MLP's share of the widest
// dotnet run -c Release -- --pool-stats [--seconds S] [--cpu] [--a H/C] [--b H/C] : the deep MLP step with the worker pool's counters (waits, wake-ups, back-offs by cause)
// dotnet run -c Release -- --cpu-clock --filter '*LoopBenchmarks*' : gradient/primal of the loop functions (issue 9), by thread CPU time
// DOTNET_TieredCompilation=0 valgrind --tool=cachegrind --cache-sim=no dotnet bin/Release/net10.0/SymbolicGrad.Benchmarks.dll --count gen|hand 1|16|64|256|deep WARM STEPS : instructions of one step variant (two STEPS, difference;
//   without TC=0 a short warm-up counts Tier0 code; under valgrind the JIT may leave Lanes helpers as calls, so generated element loops count high)
// dotnet run -c Release -- --phases [--threads N] [batch… deep] : the generated forward and backward passes against the hand-written ones, interleaved, no trainer
// dotnet run -c Release -- --gen-vs-hand [--threads N] [--rows-off] [--misplace BYTES] [batch… deep] : generated vs hand-written in consecutive-step blocks, with A/A copies (or, --rows-off, copies with the element-wise passes on the calling thread; --misplace, copies whose parameter, gradient and optimizer arrays start BYTES past a cache line) and array placement
// dotnet run -c Release -- --denormals [--threads N] [--steps S] [--window W] [batch…] : step time and subnormal counts (velocity, βG, ηG, w, ∇, a, δ) as the 784-128-10 trains
// dotnet run -c Release -- --breakdown [batch…] : the 784-128-10 step part by part (products, element-wise passes, softmax, fused update, the rest), thread CPU time
// dotnet run -c Release -- --edit-cost    : the generator's CPU time per edit in a 50-method project (issue 9), beside Roslyn's floor
//   SG_EDIT_BASELINE=path/SymbolicGrad.Generator.dll adds another build of the generator (before/after in one run);
//   SG_EDIT_REPLAY=0,1,10,30 instead measures the floor reporting that many of SymbolicGrad's diagnostics
//   SG_EDIT_ANALYZER=1 instead measures LoopTapeAnalyzer (SG0104) at build and per edit
//   SG_EDIT_ALONE=1 measures one generator alone (SymbolicGrad, or the SG_EDIT_BASELINE build); SG_EDIT_KINDS=compile,method,elsewhere,insert
//   picks the kinds of run; SG_EDIT_WARMUP=n warms up n runs instead of until the JIT is done; SG_EDIT_RUNS=n measures n (40)
//   EditCost/edit-cost-runs.sh [N] runs it in N fresh processes (one line each)
// dotnet run -c Release -- [--cpu-clock] --filter '*DerivedBenchmarks*' : Jvp/primal, Hvp/gradient, full Hessian vs ten Hvps (issue 10)
// dotnet run -c Release -- --cpu-clock --filter '*TensorJvpBenchmarks*' : Jvp/primal and gradient/primal of a Vec/Mat function (issue 10)
// dotnet run -c Release -- --cpu-clock --filter '*TensorHvpBenchmarks*' : Hvp/gradient of a Vec/Mat function, the 256→64→10 perceptron (issue 10)
// dotnet run -c Release -- --cpu-clock --filter '*ModelJvpBenchmarks*' : Jvp/forward and gradient/forward of a model method with a loop over layers (issue 10)
// dotnet run -c Release -- --cpu-clock --filter '*ModelHvpBenchmarks*' : Hvp/gradient of a model method, the 256→64→10 perceptron over Parameters (issue 10)
// dotnet run -c Release -- --cpu-clock --filter '*CnnJvpBenchmarks*' : Jvp/forward and gradient/forward of a LeNet-like CNN's model method, per sample (issue 10)
// dotnet run -c Release -- --filter '*'    : the BenchmarkDotNet suite
if (args.Length > 0 && args[0] == "--quick")
{
    int[] shape = args.Length == 4 ? [int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3])] : [256, 128, 784];
    QuickGflops.Run(shape[0], shape[1], shape[2]);
    return;
}

if (args.Length > 0 && args[0] == "--profile")
{
    // Batch sizes of the 784-128-10 MLP and/or "deep" (784-512-512-10 at 256); nothing: all of them.
    string[] choice = args.Length > 1 ? args[1..] : ["1", "16", "64", "256", "deep"];
    StepProfile.Run(choice.Where(a => a != "deep").Select(int.Parse).ToArray(), deep: choice.Contains("deep"));
    return;
}

if (args.Length == 5 && args[0] == "--count")
{
    // One step variant alone, for an instruction counter (valgrind); see StepCount.
    StepCount.Run(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "--gen-vs-hand")
{
    // --gen-vs-hand [--threads N] [batch… deep]: consecutive-step blocks with A/A copies (GenerationVersusHand).
    var rest = args[1..].ToList();
    int threads = TakeThreads(rest);

    bool rowsOff = rest.Remove("--rows-off");
    int misplace = 0;
    if (rest.IndexOf("--misplace") is int at and >= 0)
    {
        misplace = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
        rest.RemoveRange(at, 2);
    }

    GenerationVersusHand.Run(rest.Count > 0 ? [.. rest] : ["1", "16", "64", "256", "deep"], threads, rowsOff, misplace);
    return;
}

if (args.Length > 0 && args[0] == "--denormals")
{
    // --denormals [--threads N] [--steps S] [--window W] [batch…]: time per step and subnormal counts as training goes on (SubnormalCensus).
    var rest = args[1..].ToList();
    if (rest.Remove("--micro"))
    {
        SubnormalCensus.Micro();
        return;
    }

    int threads = TakeThreads(rest);
    int Take(string name, int fallback)
    {
        int at = rest.IndexOf(name);
        if (at < 0) return fallback;
        int value = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
        rest.RemoveRange(at, 2);
        return value;
    }

    int steps = Take("--steps", 3000), window = Take("--window", 250);
    SubnormalCensus.Run(rest.Count > 0 ? rest.Select(int.Parse).ToArray() : [1, 16, 64, 256], threads, steps, window);
    return;
}

if (args.Length > 0 && args[0] == "--phases")
{
    // --phases [--threads N] [batch… deep]: the forward and backward passes apart, interleaved (PhaseComparison).
    var rest = args[1..].ToList();
    int threads = TakeThreads(rest);

    if (rest.Remove("--parts"))
    {
        foreach (string b in rest) PhaseComparison.Parts(int.Parse(b, System.Globalization.CultureInfo.InvariantCulture), 128);
        PhaseComparison.Parts(256, 512);
        return;
    }

    PhaseComparison.Run(rest.Count > 0 ? [.. rest] : ["64", "256", "deep"], threads);
    return;
}

if (args.Length > 0 && args[0] == "--breakdown")
{
    // --breakdown [batch…]: the 784-128-10 step part by part, one thread, thread CPU time (StepBreakdown).
    StepBreakdown.Run(args.Length > 1 ? args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64]);
    return;
}

if (args.Length > 0 && args[0] == "--edit-cost")
{
    // The generator's cost per IDE edit, by thread CPU time (robust on a shared machine): median of 40 edits.
    GeneratorEditBenchmarks.ReportCpuTime();
    return;
}

if (args.Length > 0 && args[0] == "--gemm")
{
    bool wholeOnly = args.Contains("--whole");
    // --off chunks+packing: the kernels as before those changes (KernelSwitches), to compare runs.
    int off = Array.IndexOf(args, "--off");
    string[] switchedOff = off > 0 && off + 1 < args.Length ? args[off + 1].Split('+') : [];
    SymbolicGrad.CompilerServices.KernelSwitches.HalvingChunks = !switchedOff.Contains("chunks");
    SymbolicGrad.CompilerServices.KernelSwitches.VectorPacking = !switchedOff.Contains("packing");
    string? filter = args.Skip(1).Where((a, i) => a != "--whole" && a != "--off" && (off < 0 || i + 1 != off + 1)).FirstOrDefault();
    GemmShapes.Run(filter, wholeOnly);
    return;
}

if (args.Length > 0 && args[0] == "--pool-stats")
{
    PoolStats.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--overwrite")
{
    OverwriteVersusClear.Run();
    return;
}

if (args.Length > 0 && args[0] == "--switch-ab")
{
    SwitchedStep.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--packing")
{
    GemmPacking.Run();
    return;
}

if (args.Length > 0 && args[0] == "--part-times")
{
    PartTimes.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "--peak")
{
    FmaPeak.Run();
    return;
}

args = SymbolicGrad.Benchmarks.Training.TrainingStepConfig.ReadOptions(args);

BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);

// "--threads N" among the arguments: N, both words taken out; 1 where it is not given.
static int TakeThreads(List<string> rest)
{
    int at = rest.IndexOf("--threads");
    if (at < 0)
    {
        return 1;
    }
    int threads = int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture);
    rest.RemoveRange(at, 2);
    return threads;
}
