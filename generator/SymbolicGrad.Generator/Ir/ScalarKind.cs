namespace SymbolicGrad.Generator.Ir;

/// <summary>The C# type of a value in the IR (of each element, for a tensor).</summary>
internal enum ScalarKind
{
    Double,
    Single,
    Int32,
    Boolean,
}

internal static class ScalarKinds
{
    public static bool IsReal(this ScalarKind kind) => kind is ScalarKind.Double or ScalarKind.Single;

    public static string Keyword(this ScalarKind kind) => kind switch
    {
        ScalarKind.Double => "double",
        ScalarKind.Single => "float",
        ScalarKind.Int32 => "int",
        _ => "bool",
    };

    /// <summary>The kind both operands are converted to, by C#'s numeric promotion.</summary>
    public static ScalarKind Promote(ScalarKind a, ScalarKind b) =>
        a == ScalarKind.Double || b == ScalarKind.Double ? ScalarKind.Double
        : a == ScalarKind.Single || b == ScalarKind.Single ? ScalarKind.Single
        : ScalarKind.Int32;
}
