namespace SymbolicGrad;

/// <summary>
/// Updates a flat parameter buffer in place from a gradient of the same length.
/// </summary>
public interface IOptimizer
{
    /// <summary>Applies one update to <paramref name="parameters"/> using <paramref name="gradients"/>.</summary>
    /// <param name="parameters">Every parameter of the model, one contiguous span; updated in place.</param>
    /// <param name="gradients">The gradient of the loss with respect to <paramref name="parameters"/>, element for element.</param>
    /// <exception cref="ArgumentException">The two spans differ in length, or differ from the length used at the first step.</exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    long StepCount { get; }

    /// <summary>The learning rate the next step will use (base rate times the schedule's factor).</summary>
    float CurrentLearningRate { get; }

    /// <summary>Forgets all state (velocities, moment estimates, step count) so the optimizer can start over.</summary>
    void Reset();
}
