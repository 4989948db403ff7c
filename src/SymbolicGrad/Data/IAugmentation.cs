namespace SymbolicGrad;

/// <summary>
/// Changes training examples as the <see cref="Trainer"/> feeds them (e.g. <see cref="RandomShift"/>): set
/// <see cref="TrainerOptions.Augmentation"/> and every training batch passes through <see cref="Augment"/> after its
/// rows are copied out of the dataset and before the step. Validation and evaluation rows never do, and the dataset
/// itself is never changed.
/// </summary>
/// <remarks>
/// <para>For deterministic training, the change of an example should depend only on its row in the training set, the
/// epoch and the augmentation's own seed (not on the batch it lands in or on earlier calls): then the same seed gives
/// the same run, and training resumed from a checkpoint continues as an uninterrupted run.</para>
/// <para>Called on the training thread once per batch; keep it allocation-free to keep training so. An instance that
/// keeps no state between calls can serve several trainers at once.</para>
/// </remarks>
public interface IAugmentation
{
    /// <summary>Changes the rows of <paramref name="inputs"/> in place.</summary>
    /// <param name="inputs">The batch: one example per row, copies the trainer owns.</param>
    /// <param name="rows">For each row of <paramref name="inputs"/>, its index in the training set.</param>
    /// <param name="epoch">The epoch, numbered from 1 (and continuing after a resumed checkpoint).</param>
    void Augment(Mat inputs, ReadOnlySpan<int> rows, int epoch);
}
