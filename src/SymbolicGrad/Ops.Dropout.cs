namespace SymbolicGrad;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout with PyTorch's semantics, in a new vector: in training mode each element is kept with
    /// probability 1 − p and scaled by 1/(1 − p), else set to 0 (<c>x · 0</c>, so NaN stays NaN); in evaluation mode
    /// it is the identity.
    /// </summary>
    /// <remarks>
    /// <para>Dropout needs its model's mode and random stream, which a static call cannot see: the generated code
    /// passes them, and a directly called method body gets them from <see cref="Model.BeginForward"/>
    /// (<c>using (net.BeginForward()) net.Loss(x, label);</c>). There, in training mode, the calls are numbered
    /// 0, 1, … in the order they run and each one's mask is a pure function of (model seed, step, that number, sample,
    /// element) — exactly the mask the generated code draws for the same step and row. With no scope active there is
    /// no model to ask, and the call is the identity, as in evaluation.</para>
    /// </remarks>
    /// <param name="x">The input.</param>
    /// <param name="p">The probability of dropping an element, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1) or NaN.</exception>
    public static Vec Dropout(Vec x, float p)
    {
        const string where = "Ops.Dropout(x, p)";
        Kernels.CheckDropoutProbability(p, where);
        var result = new Vec(x.Length);
        var frame = AmbientForward.Current;
        if (frame.Store is null || !frame.Training)
        {
            x.Span.CopyTo(result.Span);
            return result;
        }

        int site = AmbientForward.TakeSite();
        Kernels.DropoutForward(x.Span, result.Span, 1, x.Length, p, frame.Stream, site, frame.Sample);
        return result;
    }
}
