namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>How a case's samples sit in memory.</summary>
public enum DataLayout
{
    /// <summary>Every sample in its own exact-size array; the batch in another exact-size array.</summary>
    Copies,

    /// <summary>
    /// All samples as rows of one matrix viewed at an odd offset of a larger array padded with NaN (labels padded
    /// with −1); a sample is a row view. A read outside the view shows up as NaN or a bad label.
    /// </summary>
    Views,
}
