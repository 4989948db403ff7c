using System.Runtime.InteropServices;

namespace SymbolicGrad;

/// <summary>
/// A training step whose optimizer update is applied as part of the gradient computation (a fused update): the
/// gradient terms a backward pass hands to <see cref="ParameterStore"/> are kept, and <see cref="Apply"/> then runs
/// each weight matrix's update inside the kernel that computes its gradient (the outer product at batch 1, the
/// <c>Aᵀ·B</c> product above), so that gradient is never written, read back or zeroed.
/// </summary>
/// <remarks>
/// <para>A matrix whose gradient is exactly one product term is <em>pending</em>: only its operands are remembered.
/// Every other parameter is <em>materialized</em>: its gradient is accumulated in <see cref="ParameterStore.Gradients"/>
/// as usual (its part zeroed on first use) and the rule is applied to it afterwards. A second term for a pending
/// matrix materializes it. So any model is handled exactly, whatever its terms.</para>
/// <para>Nothing changes before <see cref="Check"/> has found the whole gradient finite, so a diverging step leaves the
/// parameters of the last good step, as in the unfused path. For a pending term the check reads the operands: the
/// product is finite when they are and the sum of |α|·max|u_r|·max|v_r| over the batch is far below
/// <see cref="float.MaxValue"/>; otherwise the term is materialized and its gradient checked element by element.</para>
/// <para>The updates apply exactly the arithmetic of the optimizer's own step to the gradient the unfused kernels
/// would have produced, so fused and unfused steps give bit-identical parameters. Pending operands are read when the
/// step is applied, after the backward pass: they must not change before (generated code keeps every gradient term's
/// operands to the end of the pass).</para>
/// </remarks>
internal sealed class FusedStep(ParameterStore store)
{
    private const byte Untouched = 0;
    private const byte Pending = 1;
    private const byte Materialized = 2;

    // Far enough below float.MaxValue that no partial sum of a product bounded by it overflows.
    private const double SafeBound = 1e37;

    private byte[] _states = [];
    private Term[] _terms = [];
    private FusedUpdate _update;

    // The pending terms Check bounds, where each one's rows start among the bounds, and the bounds (grown, kept).
    private int[] _pending = [];
    private int[] _firstRow = [];
    private double[] _bounds = [];

    /// <summary>A pending term: α·Σ_r u[r]·v[r]ᵀ.</summary>
    internal struct Term
    {
        public Mat U;
        public Mat V;
        public float Alpha;
    }

    /// <summary>Starts collecting the terms of a step that <paramref name="update"/> will apply.</summary>
    internal void Begin(FusedUpdate update)
    {
        int count = store.Entries.Count;
        if (_states.Length != count)
        {
            _states = new byte[count];
            _terms = new Term[count];
            _pending = new int[count];
            _firstRow = new int[count];
        }

        Array.Clear(_states);
        _update = update;
    }

    /// <summary>Adds α·Σ_r u[r]·v[r]ᵀ to the gradient of <paramref name="parameter"/> (shapes already checked).</summary>
    internal void AddOuterProducts(Mat parameter, Mat u, Mat v, float alpha)
    {
        int entry = ExactEntry(parameter.Offset, parameter.Length);
        if (entry >= 0 && _states[entry] == Untouched && u.Rows <= PackedGemm.KC && Kernels.IsAccelerated
            && !store.Contains(u) && !store.Contains(v))
        {
            _terms[entry] = new Term { U = u, V = v, Alpha = alpha };
            _states[entry] = Pending;
            return;
        }

        Materialize(parameter.Offset, parameter.Length);
        ParameterStore.AddOuterProductsTo(store.GradientOf(parameter).Span, parameter.Rows, parameter.Cols, u, v, alpha);
    }

    /// <summary>
    /// Makes the gradient of elements [offset, offset + length) ready to be added into: every parameter they belong to
    /// is zeroed on first use, and a pending term is first written out.
    /// </summary>
    internal void Materialize(int offset, int length)
    {
        if (length == 0)
        {
            return;
        }

        var entries = store.Entries;
        for (int e = FirstEntry(offset); e < entries.Count && entries[e].Offset < offset + length; e++)
        {
            var info = entries[e];
            if (_states[e] == Materialized)
            {
                continue;
            }

            var gradient = store.Gradients.Slice(info.Offset, info.Length);
            gradient.Clear();
            if (_states[e] == Pending)
            {
                var term = _terms[e];
                _terms[e] = default;
                ParameterStore.AddOuterProductsTo(gradient, info.Rows, info.Cols, term.U, term.V, term.Alpha);
            }

            _states[e] = Materialized;
        }
    }

    /// <summary>
    /// The index in <see cref="ParameterStore.Gradients"/> of the first gradient element that is not finite, or −1 when
    /// the whole gradient is: then <see cref="Apply"/> may run. Pending terms whose operands do not prove their product
    /// finite are materialized first.
    /// </summary>
    internal int Check()
    {
        // The rows' bounds of every pending term at once (on the worker pool), then each term's sum in row order.
        int count = 0, rows = 0;
        long floats = 0;
        for (int e = 0; e < _states.Length; e++)
        {
            if (_states[e] == Pending)
            {
                _pending[count] = e;
                _firstRow[count++] = rows;
                rows += _terms[e].U.Rows;
                floats += (long)_terms[e].U.Rows * (_terms[e].U.Cols + _terms[e].V.Cols);
            }
        }

        if (_bounds.Length < rows)
        {
            _bounds = new double[rows];
        }

        RowBoundJob.Run(_terms, _pending, _firstRow, count, rows, floats, _bounds);
        for (int i = 0; i < count; i++)
        {
            int e = _pending[i];
            if (!ProvablyFinite(_bounds.AsSpan(_firstRow[i], _terms[e].U.Rows), _terms[e].Alpha))
            {
                var info = store.Entries[e];
                Materialize(info.Offset, info.Length);
            }
        }

        var gradients = store.Gradients;
        for (int e = 0; e < _states.Length; e++)
        {
            var info = store.Entries[e];
            if (_states[e] == Materialized && !FiniteCheck.AllFinite(gradients.Slice(info.Offset, info.Length)))
            {
                return info.Offset + FiniteCheck.FirstNonFinite(gradients.Slice(info.Offset, info.Length));
            }
        }

        return -1;
    }

    /// <summary>
    /// Applies the update to every parameter: the pending matrices inside their gradient kernels first (they read
    /// their operands, which may be other parameters' values), then the rule over the materialized gradients, and a
    /// zero gradient's update (the velocity decays) to parameters that got no term.
    /// </summary>
    internal void Apply()
    {
        var values = store.Values;
        var gradients = store.Gradients;
        var (kind, learningRate, beta, velocity) = _update;
        for (int e = 0; e < _states.Length; e++)
        {
            if (_states[e] != Pending)
            {
                continue;
            }

            var info = store.Entries[e];
            ref float w = ref values[info.Offset];
            ref float state = ref kind == UpdateKind.Sgd ? ref w : ref velocity[info.Offset];
            var term = _terms[e];
            _terms[e] = default;
            switch (kind)
            {
                case UpdateKind.Sgd:
                    ApplyTerm(ref w, ref state, info, term, new SgdStore(learningRate));
                    break;
                case UpdateKind.Momentum:
                    ApplyTerm(ref w, ref state, info, term, new MomentumStore(learningRate, beta));
                    break;
                default:
                    ApplyTerm(ref w, ref state, info, term, new NesterovStore(learningRate, beta));
                    break;
            }
        }

        for (int e = 0; e < _states.Length; e++)
        {
            if (_states[e] == Pending)
            {
                continue;
            }

            var info = store.Entries[e];
            if (_states[e] == Untouched)
            {
                gradients.Slice(info.Offset, info.Length).Clear();
            }

            var state = kind == UpdateKind.Sgd ? Span<float>.Empty : velocity.AsSpan(info.Offset, info.Length);
            UpdateRules.Apply(kind, values.Slice(info.Offset, info.Length), state, gradients.Slice(info.Offset, info.Length), learningRate, beta);
        }
    }

    /// <summary>Forgets the step's terms (after <see cref="Apply"/>, or instead of it when the step is abandoned).</summary>
    internal void End()
    {
        Array.Clear(_terms);
        Array.Clear(_states);
    }

    private static void ApplyTerm<TStore>(ref float w, ref float state, ParameterInfo info, Term term, TStore store)
        where TStore : struct, ITileStore
    {
        ref float u = ref MemoryMarshal.GetReference(term.U.Span);
        ref float v = ref MemoryMarshal.GetReference(term.V.Span);
        if (term.U.Rows == 1)
        {
            OuterJob<TStore>.Run(ref w, ref state, info.Rows, info.Cols, term.Alpha, ref u, ref v, store);
        }
        else
        {
            // ∂W = α·Uᵀ·V: op(A) = Uᵀ (rows × batch), op(B) = V (batch × cols), one block of k (batch ≤ KC).
            GemmJob<TStore>.Run(false, ref u, 1, term.U.Cols, ref v, term.V.Cols, 1, ref w, ref state, info.Cols,
                info.Rows, info.Cols, term.U.Rows, term.Alpha, store);
        }
    }

    // Every element of α·Σ_r u_r·v_rᵀ, and every partial sum of it, is finite when the operands are and
    // Σ_r |α|·max|u_r|·max|v_r| is far below float.MaxValue (the rows' bounds from RowBoundJob: +∞ for a row that is
    // not finite), summed in row order.
    private static bool ProvablyFinite(ReadOnlySpan<double> rowBounds, float alpha)
    {
        double bound = 0;
        foreach (double row in rowBounds)
        {
            if (!double.IsFinite(row))
            {
                return false;
            }

            bound += row;
        }

        return bound * Math.Abs(alpha) < SafeBound;
    }

    private int ExactEntry(int offset, int length)
    {
        if (length == 0)
        {
            return -1;
        }

        int e = FirstEntry(offset);
        var entries = store.Entries;
        return e < entries.Count && entries[e].Offset == offset && entries[e].Length == length ? e : -1;
    }

    // The first entry that ends after offset (entries are in increasing offset order).
    private int FirstEntry(int offset)
    {
        var entries = store.Entries;
        int lo = 0, hi = entries.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].Offset + entries[mid].Length <= offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
