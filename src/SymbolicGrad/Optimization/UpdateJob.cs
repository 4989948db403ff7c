using System.Runtime.InteropServices;

namespace SymbolicGrad;

/// <summary>An update rule over long buffers, cut into ranges of whole 8-float vectors that run on the worker pool.</summary>
internal sealed unsafe class UpdateJob : ParallelJob
{
    // Below this many elements per thread the update stays on the calling thread (it is memory-bound: ~2 µs).
    private const int MinPerPart = 16 * 1024;

    private static readonly UpdateJob Instance = new();

    private float* _w;
    private float* _v;
    private float* _g;
    private int _n;
    private int _parts;
    private UpdateKind _kind;
    private float _learningRate;
    private float _beta;

    internal static void Run(UpdateKind kind, Span<float> w, Span<float> v, ReadOnlySpan<float> g, float learningRate, float beta)
    {
        ref float rv = ref UpdateRules.StateOrSelf(v, w);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float rw = ref MemoryMarshal.GetReference(w);
        int parts = WorkerPool.PartsFor(w.Length, MinPerPart);
        if (parts == 1 || !WorkerPool.TryEnter())
        {
            UpdateRules.Apply(kind, ref rw, ref rv, ref rg, w.Length, learningRate, beta);
            return;
        }

        try
        {
            fixed (float* pw = &rw, pv = &rv, pg = &rg)
            {
                var job = Instance;
                job._w = pw;
                job._v = pv;
                job._g = pg;
                job._n = w.Length;
                job._parts = parts;
                job._kind = kind;
                job._learningRate = learningRate;
                job._beta = beta;
                WorkerPool.Run(job, parts);
            }
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    // For SGD _v is the weights' pointer: the rule never reads it.
    internal override void Run(int part)
    {
        var (start, end) = WorkerPool.Range(_n, _parts, 8, part);
        UpdateRules.Apply(_kind, ref _w[start], ref _v[start], ref _g[start], end - start, _learningRate, _beta);
    }
}
