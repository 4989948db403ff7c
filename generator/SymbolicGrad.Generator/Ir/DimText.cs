using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>A dimension as the expression that reads it (<c>W1.Rows</c>, <c>(a.Length + b.Length)</c>): C# and math alike.</summary>
internal static class DimText
{
    public static string Of(Dim dim) => dim switch
    {
        Dim.Constant c => c.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Dim.Extent e => e.Tensor.Name + "." + e.Axis,
        Dim.Sum s => "(" + Of(s.Left) + " + " + Of(s.Right) + ")",
        Dim.Product p => Of(p.Left) + " * " + Of(p.Right),
        _ => throw new ArgumentOutOfRangeException(nameof(dim)),
    };
}
