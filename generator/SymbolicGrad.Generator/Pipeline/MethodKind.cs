namespace SymbolicGrad.Generator.Pipeline;

/// <summary>What a [Differentiable] method is, which decides the generated signature and code.</summary>
internal enum MethodKind
{
    /// <summary>A static function of double/float/int/bool values: <c>T NameGradient(…, out T dX …)</c>.</summary>
    ScalarFunction,
    /// <summary>A static function with Vec/Mat parameters: <c>float NameGradient(…, Vec dX …)</c>, adding into buffers.</summary>
    TensorFunction,
    /// <summary>An instance method of a Model: per-sample and batched passes adding into <c>Parameters.Gradients</c>.</summary>
    ModelMethod,
}
