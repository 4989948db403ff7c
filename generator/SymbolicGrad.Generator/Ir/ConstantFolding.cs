namespace SymbolicGrad.Generator.Ir;

/// <summary>Evaluates operations on constants exactly as the generated C# would at run time, from each op's fold rules.</summary>
internal static class ConstantFolding
{
    /// <summary>Rounds a value to what its kind can hold (float constants are stored as the double of the float).</summary>
    public static double Normalize(double value, ScalarKind kind) => kind switch
    {
        ScalarKind.Single => (float)value,
        ScalarKind.Int32 => (int)value,
        ScalarKind.Boolean => value != 0 ? 1 : 0,
        _ => value,
    };

    /// <summary>The node's value when all its operands are the constants <paramref name="args"/>, or null.</summary>
    public static double? Fold(Node node, double[] args)
    {
        var def = OpTable.Of(node.Op);
        if (args.Length == 0) return null;
        switch (node.Kind)
        {
            case ScalarKind.Double:
            case ScalarKind.Single:
                // MathF may round differently from Math, so only ops exact in float fold for float constants.
                if (def.FoldReal is null || (node.Kind == ScalarKind.Single && !def.FoldsExactlyInFloat)) return null;
                return def.FoldReal(args) is double r ? Normalize(r, node.Kind) : null;
            case ScalarKind.Int32:
                return def.FoldInt?.Invoke(args);
            default:
                return def.FoldBoolean?.Invoke(args) is bool b ? (b ? 1 : 0) : null;
        }
    }
}
