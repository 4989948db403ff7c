namespace SymbolicGrad;

/// <summary>
/// A directly called forward pass of a <see cref="Model"/> (from <see cref="Model.BeginForward"/>): while it is
/// active on a thread, <see cref="Ops.Dropout"/> there uses the model's mode and random stream. Dispose it to end it.
/// </summary>
public readonly ref struct ForwardScope
{
    private readonly AmbientForward.Frame _previous;

    internal ForwardScope(ParameterStore store, bool training, int sample)
    {
        _previous = AmbientForward.Current;
        long step = training ? Interlocked.Increment(ref store.RandomStep) - 1 : -1;
        ulong stream = training ? Kernels.RandomStream(Interlocked.Read(ref store.RandomSeed), step) : 0;
        AmbientForward.Current = new AmbientForward.Frame(store, training, stream, sample, NextSite: 0);
        Step = step;
        Sample = sample;
    }

    /// <summary>The random step this pass draws from (<see cref="Model.RandomStep"/> before it began), or -1 in evaluation mode.</summary>
    public long Step { get; }

    /// <summary>The row of a batch the pass stands for.</summary>
    public int Sample { get; }

    /// <summary>Ends the scope: the previous one (or none) is active again.</summary>
    public void Dispose() => AmbientForward.Current = _previous;
}

/// <summary>The forward pass active on this thread, as seen by <see cref="Ops.Dropout"/>.</summary>
internal static class AmbientForward
{
    [ThreadStatic]
    private static Frame t_current;

    internal static Frame Current
    {
        get => t_current;
        set => t_current = value;
    }

    /// <summary>Takes the next dropout call's number in the active pass.</summary>
    internal static int TakeSite() => t_current.NextSite++;

    /// <summary>One pass: its model's store (null for none), mode, random stream, sample, and the next dropout number.</summary>
    internal record struct Frame(ParameterStore? Store, bool Training, ulong Stream, int Sample, int NextSite);
}
