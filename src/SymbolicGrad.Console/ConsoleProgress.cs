namespace SymbolicGrad;

/// <summary>Chooses the trainer's console progress for where the output goes.</summary>
public static class ConsoleProgress
{
    /// <summary>
    /// A <see cref="LiveConsoleProgress"/> bar per epoch when <paramref name="output"/> is the console and the console is
    /// an interactive terminal (output not redirected, environment variable <c>CI</c> not set); otherwise plain lines
    /// (<see cref="TextProgress"/>) into <paramref name="output"/>, for logs, files and CI.
    /// </summary>
    /// <param name="output">Where progress goes; null (the default) for the console.</param>
    /// <returns>A reporter for <see cref="TrainerOptions.Progress"/>.</returns>
    public static IProgress<TrainingProgress> Auto(TextWriter? output = null)
    {
        bool console = output is null || ReferenceEquals(output, Console.Out);
        bool terminal = console && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        return terminal ? Live() : new TextProgress(output ?? Console.Out);
    }

    // Spectre.Console loads only for a live bar: a method that names its types loads it when it is compiled.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IProgress<TrainingProgress> Live() => new LiveConsoleProgress();
}
