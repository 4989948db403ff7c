using System.Diagnostics.CodeAnalysis;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The index check of generated code where a [Differentiable] method reads one element of a vector at an index known
/// only when it is computed: the exception the method's own <c>Vec</c> indexer would throw, naming the read.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class IndexCheck
{
    /// <summary>Returns <paramref name="index"/> when it lies in [0, <paramref name="length"/>).</summary>
    /// <param name="index">The index the method computed.</param>
    /// <param name="length">The length of the vector read.</param>
    /// <param name="site">The method and the read as written, e.g. <c>Loss: z[label + 1]</c>.</param>
    /// <returns><paramref name="index"/>.</returns>
    /// <exception cref="IndexOutOfRangeException">The index is negative or not below <paramref name="length"/>.</exception>
    public static int Within(int index, int length, string site)
    {
        if ((uint)index >= (uint)length)
        {
            Throw(index, length, site);
        }

        return index;
    }

    [DoesNotReturn]
    private static void Throw(int index, int length, string site) =>
        throw new IndexOutOfRangeException($"{site}: index {index} is outside [0, {length}).");
}
