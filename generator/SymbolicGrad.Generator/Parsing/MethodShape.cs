namespace SymbolicGrad.Generator.Parsing;

/// <summary>What a [Differentiable] method is differentiated with respect to; the advice of diagnostics depends on it.</summary>
internal enum MethodShape
{
    /// <summary>A static method of double, float, int and bool: its double and float parameters.</summary>
    ScalarFunction,
    /// <summary>A static method with Vec or Mat parameters: those without [NoDiff].</summary>
    TensorFunction,
    /// <summary>An instance method of a Model: the Vec and Mat fields it reads.</summary>
    ModelMethod,
}
