namespace SymbolicGrad.SamplesTests;

/// <summary>
/// The tests that run <c>DigitsApp</c> in this process: it sets the process-wide <c>Parallelism.MaxThreads</c> from
/// <c>--threads</c> for the length of a run, so two runs at once would see each other's setting (a search run with
/// <c>--threads 1</c> once reported "up to 2 trials at a time" while another class's run held the default). They run
/// one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DigitsAppCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "DigitsApp runs (process-wide thread count)";
}
