namespace SymbolicGrad;

/// <summary>How the <see cref="Trainer"/> reports progress.</summary>
public enum ProgressMode
{
    /// <summary>
    /// A live progress bar per epoch when writing to an interactive terminal; plain lines when the output is
    /// redirected, when <see cref="TrainerOptions.Output"/> is set, or when the environment variable <c>CI</c> is set.
    /// </summary>
    Auto,

    /// <summary>A live progress bar per epoch (Spectre.Console) with the running loss and throughput.</summary>
    Live,

    /// <summary>One line of text per epoch.</summary>
    Plain,

    /// <summary>No output.</summary>
    Silent,
}
