using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The op registry: one <see cref="OpDef"/> per <see cref="Ir.Op"/>, declared in the partial files beside this one
/// (leaves, arithmetic, elementary functions, conditions, tensors). Adding an op means adding one entry here (and its
/// kernel to the runtime, if it has one).
/// </summary>
internal static partial class OpTable
{
    // Built on first use, after every entry's initializer has run (partial files initialize in no fixed order).
    private static OpDef[]? _byOp;

    public static OpDef Of(Op op) => (_byOp ??= Build())[(int)op];

    private static OpDef[] Build()
    {
        var defs = typeof(OpTable).GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(OpDef))
            .Select(f => (OpDef)f.GetValue(null)!)
            .ToList();
        var table = new OpDef[Enum.GetValues(typeof(Op)).Length];
        foreach (var def in defs)
        {
            if (table[(int)def.Op] is not null) throw new InvalidOperationException($"{def.Op} is declared twice");
            table[(int)def.Op] = def;
        }
        var missing = Enumerable.Range(0, table.Length).Where(i => table[i] is null).Select(i => ((Op)i).ToString()).ToList();
        if (missing.Count > 0) throw new InvalidOperationException("No OpTable entry for " + string.Join(", ", missing));
        return table;
    }

    // ---- Helpers shared by the entries ---------------------------------------------------------

    /// <summary>The same text in math and C#.</summary>
    private static Notation.Custom Text(System.Func<IExpressionContext, Node, string> text, int precedence = Precedence.Primary) =>
        new((c, n) => (text(c, n), precedence));
}
