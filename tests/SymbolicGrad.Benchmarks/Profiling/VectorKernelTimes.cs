using SymbolicGrad.Benchmarks.Training;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Benchmarks.Profiling;

/// <summary>
/// <c>--switch-ab --switch NAME kernels</c>: the vector kernels outside the packed GEMM at the shapes of the
/// 784-128-10 step at batch 1, 16 and 64 and of the deep 784-512-512-10 net, one thread, thread CPU time: each sample
/// times a kernel with the switch on and off (order alternating); medians of the times and of the per-sample ratios.
/// </summary>
internal static class VectorKernelTimes
{
    private const int Samples = 301;

    public static void Run(string name, Action<bool> set)
    {
        Parallelism.MaxThreads = 1;
        var random = new Random(7);
        // On cache lines, as the parameters and workspaces are (AlignedBuffer): a 64-byte load then never splits a line.
        float[] Fill(int n)
        {
            var array = AlignedBuffer.AllocateArray(n);
            GemmBenchmarks.Fill(random, n).CopyTo(array, 0);
            return array;
        }

        var w1 = Fill(512 * 784);
        var w2 = Fill(512 * 512);
        var x = Fill(784);
        var h = Fill(512);
        var y = Fill(784);
        var m = Fill(256 * 512);
        var work = Fill(256 * 512);
        var bias = Fill(512);
        var sums = Fill(512);
        var velocity = Fill(101_770);
        var parameters = Fill(101_770);
        var gradient = Fill(101_770);
        (string Title, int Repeat, Action Run)[] kernels =
        [
            ("y = W·x 128×784", 8, () => Kernels.MatVec(w1.AsSpan(0, 128 * 784), 128, 784, x, y.AsSpan(0, 128))),
            ("y = W·x 512×784", 1, () => Kernels.MatVec(w1, 512, 784, x, y.AsSpan(0, 512))),
            ("y = W·x 512×512", 2, () => Kernels.MatVec(w2, 512, 512, h, y.AsSpan(0, 512))),
            ("y = W·x 10×128", 64, () => Kernels.MatVec(w2.AsSpan(0, 10 * 128), 10, 128, h.AsSpan(0, 128), y.AsSpan(0, 10))),
            ("y = Wᵀ·x 10×128", 64, () => Kernels.MatTVec(w2.AsSpan(0, 10 * 128), 10, 128, h.AsSpan(0, 10), y.AsSpan(0, 128))),
            ("y = Wᵀ·x 512×512", 2, () => Kernels.MatTVec(w2, 512, 512, h, y.AsSpan(0, 512))),
            ("column sums 64×128", 16, () => Kernels.ColumnSumsAdd(m.AsSpan(0, 64 * 128), 64, 128, sums.AsSpan(0, 128))),
            ("column sums 256×512", 1, () => Kernels.ColumnSumsAdd(m, 256, 512, sums)),
            ("bias+ReLU 16×128", 64, () => { m.AsSpan(0, 16 * 128).CopyTo(work); Kernels.AddBiasReluRows(work.AsSpan(0, 16 * 128), 16, 128, bias.AsSpan(0, 128)); }),
            ("bias+ReLU 256×512", 1, () => { m.CopyTo(work, 0); Kernels.AddBiasReluRows(work, 256, 512, bias); }),
            ("ReLU backward 64×128", 16, () => Kernels.ReluBackward(m.AsSpan(0, 64 * 128), m.AsSpan(64 * 128, 64 * 128), work.AsSpan(0, 64 * 128))),
            ("ReLU backward 256×512", 1, () => Kernels.ReluBackward(m, m, work)),
            ("max |x| 784", 64, () => FiniteCheck.MaxMagnitude(w1.AsSpan(0, 784))),
            ("max |x| 128×784", 1, () => FiniteCheck.MaxMagnitude(w1.AsSpan(0, 128 * 784))),
            ("momentum 10×128", 64, () => UpdateRules.Apply(UpdateKind.Momentum, parameters.AsSpan(0, 1280), velocity.AsSpan(0, 1280), gradient.AsSpan(0, 1280), 1e-6f, 0.9f)),
            ("W1 ← momentum(δ·xᵀ) 128×784", 1, () => OuterJob<MomentumStore>.Run(ref parameters[0], ref velocity[0], 128, 784, 1f, ref h[0], ref x[0], new MomentumStore(1e-6f, 0.9f))),
            ("W1 += δ·xᵀ 128×784", 1, () => Kernels.OuterAdd(w1.AsSpan(0, 128 * 784), 128, 784, 1e-6f, h.AsSpan(0, 128), x)),
            ("scale + penalties 101,770", 1, () => OptimizerKernels.ScaleAndPenalize(gradient, parameters, 0.5f, 1e-4f, 1e-5f, velocity)),
            ("momentum 101,770", 1, () => UpdateRules.Apply(UpdateKind.Momentum, parameters, velocity, gradient, 1e-6f, 0.9f)),
        ];
        foreach (var (title, repeat, run) in kernels)
        {
            var times = new[] { new double[Samples], new double[Samples] };
            var ratio = new double[Samples];
            for (int w = 0; w < 100; w++)
            {
                set(w % 2 == 0);
                run();
            }

            for (int s = 0; s < Samples; s++)
            {
                for (int o = 0; o < 2; o++)
                {
                    int which = (s + o) % 2;
                    set(which == 0);
                    long start = ThreadCpuClock.Instance.GetTimestamp();
                    for (int i = 0; i < repeat; i++)
                    {
                        run();
                    }

                    times[which][s] = (ThreadCpuClock.Instance.GetTimestamp() - start) * 1e-3 / repeat;
                }

                ratio[s] = times[1][s] / times[0][s];
            }

            set(true);
            Console.WriteLine($"{title,-24} switch {name}, one thread, thread CPU time: on {SwitchedStep.Median(times[0]):F2} µs, off {SwitchedStep.Median(times[1]):F2} µs; " +
                $"median per-sample speed on ÷ off {SwitchedStep.Median(ratio):F3} (quartiles {SwitchedStep.Quantile(ratio, 0.25):F3}–{SwitchedStep.Quantile(ratio, 0.75):F3}); load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }

        Parallelism.MaxThreads = Environment.ProcessorCount;
    }
}
