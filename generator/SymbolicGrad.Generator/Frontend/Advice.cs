using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// What a diagnostic tells the user to do instead, for the kind of method at hand. The advice must keep the gradient
/// the user wants: a value the result should be differentiated with respect to is never sent through a [NoDiff] parameter.
/// </summary>
internal static class Advice
{
    /// <summary>The return type a method of this kind needs (SG0002).</summary>
    public static string ReturnType(MethodKind kind) => kind switch
    {
        MethodKind.ModelMethod => "a [Differentiable] method of a Model returns float (its loss, computed in single precision like its Vec and Mat)",
        MethodKind.TensorFunction => "a [Differentiable] method with Vec or Mat parameters returns float (computed in single precision like its Vec and Mat)",
        _ => "a [Differentiable] method returns double or float",
    };

    /// <summary>The parameter types a method of this kind takes (SG0003).</summary>
    public static string ParameterType(MethodKind kind) => kind switch
    {
        MethodKind.ModelMethod => "a [Differentiable] method of a Model takes one sample (Vec, float, int or bool; the batched forms are generated) and reads its weights from the model's Vec and Mat fields",
        MethodKind.TensorFunction => "a [Differentiable] method with Vec or Mat parameters takes Vec, Mat, float, int or bool parameters",
        _ => "a [Differentiable] method takes double, float, int or bool parameters, and arrays or ReadOnlySpans of double, float or int "
            + "(pass each value to differentiate with respect to as its own parameter or in an array)",
    };

    /// <summary>The value types a method of this kind computes with (SG0018).</summary>
    public static string ValueType(MethodKind kind) => kind == MethodKind.ScalarFunction
        ? "only double, float, int and bool values (and elements of array parameters) can appear in a [Differentiable] method"
        : "only Vec, Mat, float, int and bool values can appear in a [Differentiable] method of vectors";

    /// <summary>How to read a value that is not a parameter, a local or a constant: a field, a property, an element of an array that is not a parameter.</summary>
    public static string Read(MethodKind kind) => kind switch
    {
        MethodKind.ModelMethod => "keep a learned value in a readonly Vec or Mat field from Parameters.Matrix or Parameters.Vector (a learned scalar: Parameters.Vector(1), read with Sum), "
            + "and a hyper-parameter in a const or static readonly field",
        MethodKind.TensorFunction => "pass a learned value in as a Vec or Mat parameter (it gets a gradient buffer), data as a [NoDiff] parameter, and a hyper-parameter as a const or static readonly field",
        _ => "pass it in as a parameter (without [NoDiff] to get its derivative, with [NoDiff] if it is data), or make it a const or static readonly field",
    };

    /// <summary>An array that is not a parameter (a field, a property, a call's result): scalar functions read arrays they receive.</summary>
    public const string ArrayValue = "take the array as a double[], float[] or ReadOnlySpan parameter (without [NoDiff] to get its gradient, with [NoDiff] if it is data)";

    /// <summary>The advice for an expression outside the supported language (SG0006).</summary>
    public static string Expression(IOperation operation, MethodKind kind) => operation.Kind switch
    {
        OperationKind.ArrayElementReference when kind == MethodKind.ScalarFunction => ArrayValue,
        OperationKind.PropertyReference or OperationKind.FieldReference or OperationKind.ArrayElementReference => Read(kind),
        OperationKind.Switch or OperationKind.SwitchExpression => "rewrite it with ?: or if/else",
        OperationKind.Throw => "check arguments before calling the method: a [Differentiable] method cannot throw",
        OperationKind.ObjectCreation or OperationKind.ArrayCreation => kind == MethodKind.ScalarFunction
            ? "compute with double, float, int and bool values"
            : "create vectors and matrices outside the method and pass data in through [NoDiff] parameters; learned values belong in Vec or Mat fields or parameters",
        _ => Operators,
    };

    /// <summary>For an operator or conversion the generator does not differentiate.</summary>
    public const string Operators = "rewrite it with + - * /, comparisons, && || !, casts between double, float and int, and the supported Math and Ops functions";

    /// <summary>For operations on vectors and matrices.</summary>
    public const string Tensors = "write it with matrix-vector products (W * x), + - * on vectors and scalars, and the supported Ops functions";

    /// <summary>For a call of a method that is neither [Differentiable] nor known to the generator, by kind of method.</summary>
    public static string UnknownCall(MethodKind kind) => kind == MethodKind.ScalarFunction ? Operators : Tensors;

    /// <summary>For a call to a method that is not [Differentiable] (SG0010).</summary>
    public static string Call(IMethodSymbol method, bool canBeInlined) => canBeInlined
        ? $"mark '{method.Name}' [Differentiable] so that it is inlined (only a result that does not depend on a differentiable value can come in through a [NoDiff] parameter instead)"
        : $"write the computation of '{method.Name}' inline with the supported operators and Ops functions, or as a static [Differentiable] method of double or float values";
}
