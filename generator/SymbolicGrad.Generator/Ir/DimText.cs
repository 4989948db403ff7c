using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>A dimension as the expression that reads it (<c>W1.Rows</c>, <c>(a.Length + b.Length)</c>): C# and math alike.</summary>
internal static class DimText
{
    /// <param name="dim">The dimension.</param>
    /// <param name="bare">Tensors by their bare names (<c>W.Rows</c> for <c>this.W.Rows</c>), as the math notation writes them.</param>
    public static string Of(Dim dim, bool bare = false) => dim switch
    {
        Dim.Constant c => c.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Dim.Extent { Tensor.LastOf: { } bound } e => Name(e.Tensor.Name, bare) + "[" + Name(bound, bare) + ".Length - 1]." + e.Axis,
        Dim.Extent e => Name(e.Tensor.Name, bare) + "." + e.Axis,
        Dim.LayerMember m => (bare ? Identifiers.Bare(m.Layer) : m.Layer) + "." + m.Member,
        Dim.Sum or Dim.Product or Dim.Window => Compose(dim, part => Of(part, bare)),
        _ => throw new ArgumentOutOfRangeException(nameof(dim)),
    };

    /// <summary>
    /// A sum, product or window of dimensions with each operand written by <paramref name="part"/> (a local, or a
    /// substitute); any other dimension as <see cref="Of"/> writes it.
    /// </summary>
    public static string Compose(Dim dim, Func<Dim, string> part) => dim switch
    {
        Dim.Sum s => "(" + part(s.Left) + " + " + part(s.Right) + ")",
        Dim.Product p => part(p.Left) + " * " + part(p.Right),
        Dim.Window w => Window(part(w.Size), part(w.Kernel), part(w.Stride), part(w.Padding)),
        _ => Of(dim),
    };

    private static string Name(string tensor, bool bare) => bare ? Identifiers.Bare(tensor) : tensor;

    /// <summary><c>((size + 2 * padding - kernel) / stride + 1)</c>, without the padding when it is 0.</summary>
    public static string Window(string size, string kernel, string stride, string padding) =>
        padding == "0"
            ? "((" + size + " - " + kernel + ") / " + stride + " + 1)"
            : "((" + size + " + 2 * " + padding + " - " + kernel + ") / " + stride + " + 1)";
}
