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

    /// <summary>The logistic function 1 / (1 + e^−x), element-wise.</summary>
    Sigmoid,

    // Structural tensor operations (networks). Element-wise ones are the scalar ops above with a shape.
    /// <summary>Matrix × vector: <c>Args[0]</c> a matrix field, <c>Args[1]</c> a vector.</summary>
    MatVec,
    /// <summary>Transposed matrix × vector, Wᵀ·g: the adjoint of the vector operand of <see cref="MatVec"/>.</summary>
    MatTVec,
    /// <summary>Σ over the batch of g·xᵀ: the adjoint of the matrix operand of <see cref="MatVec"/>.</summary>
    Outer,
    /// <summary>The sum of a vector's elements (per sample).</summary>
    Sum,
    /// <summary>log Σ exp, computed stably (per sample).</summary>
    LogSumExp,
    /// <summary><c>Args[0][Args[1]]</c>: one element of a vector, at an int index.</summary>
    Pick,
    /// <summary>A vector that is <c>Args[0]</c> at index <c>Args[1]</c> and 0 elsewhere (the adjoint of <see cref="Pick"/>).</summary>
    OneHot,
    /// <summary>The two vectors end to end.</summary>
    Concat,
    /// <summary>A run of a vector's elements: <see cref="Node.Value"/> is the offset, the shape the length.</summary>
    Slice,
    /// <summary>The sum over the batch of a per-sample value: the adjoint of a value shared by all samples.</summary>
    ReduceBatch,
    /// <summary>A scalar (or shared value) repeated to the node's shape: an adjoint that kernels need in full.</summary>
    Broadcast,
}

/// <summary>
/// The shape of a tensor value: rank 1 (vector) or 2 (matrix), whether it holds one row per sample of the batch,
/// and its per-sample element count as a C# expression over the model's fields and the method's parameters.
/// A node without a shape is a scalar shared by the whole batch.
/// </summary>
internal sealed record Shape(int Rank, bool Batched, string Length)
{
    public static readonly Shape BatchedScalar = new(0, true, "1");

    public bool IsScalar => Rank == 0;
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

    /// <summary>Operations that are not element-wise: the emitter writes kernel calls or dedicated loops for them.</summary>
    public static bool IsStructural(this Op op) => op is Op.MatVec or Op.MatTVec or Op.Outer or Op.Sum or Op.LogSumExp or Op.Concat or Op.ReduceBatch;

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
