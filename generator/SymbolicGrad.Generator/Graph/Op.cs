namespace SymbolicGrad.Generator.Graph;

/// <summary>The operations of the IR. Each has one derivative rule in Calculus/DerivativeRules.</summary>
internal enum Op
{
    // Leaves.
    Constant,
    /// <summary>A parameter of the method; <see cref="Node.Name"/> is its name.</summary>
    Input,
    /// <summary>A read of a static field that is not a constant; <see cref="Node.Name"/> is the C# that reads it.</summary>
    External,

    // Arithmetic.
    Add, Sub, Mul, Div, Neg,

    // Elementary functions (Math/MathF).
    Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Exp, Log, Log10, Sqrt, Pow, Abs, Max, Min,

    // Piecewise constant: derivative zero almost everywhere.
    Floor, Ceiling, Round, Truncate, Sign,

    /// <summary>A numeric conversion to the node's kind (a C# cast).</summary>
    Convert,

    /// <summary><c>Args[0] ? Args[1] : Args[2]</c>; the derivative flows to the branch taken.</summary>
    Select,

    // Conditions (Boolean kind).
    Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual, And, Or, Not,
}

/// <summary>The C# type of a value in the IR.</summary>
internal enum ScalarKind
{
    Double,
    Single,
    Int32,
    Boolean,
}

internal static class OpFacts
{
    public static bool IsReal(this ScalarKind kind) => kind is ScalarKind.Double or ScalarKind.Single;

    public static bool IsCommutative(this Op op) => op is Op.Add or Op.Mul or Op.Max or Op.Min or Op.Equal or Op.NotEqual or Op.And or Op.Or;

    public static bool IsComparison(this Op op) => op is Op.Less or Op.LessOrEqual or Op.Greater or Op.GreaterOrEqual or Op.Equal or Op.NotEqual;

    /// <summary>Piecewise-constant functions: a warning when they touch an active value.</summary>
    public static bool HasZeroDerivative(this Op op) => op is Op.Floor or Op.Ceiling or Op.Round or Op.Truncate or Op.Sign;

    public static string Keyword(this ScalarKind kind) => kind switch
    {
        ScalarKind.Double => "double",
        ScalarKind.Single => "float",
        ScalarKind.Int32 => "int",
        _ => "bool",
    };
}
