namespace SymbolicGrad;

public readonly partial struct Mat
{
    /// <summary>Matrix–vector product <c>W · x</c> in a new vector of length <see cref="Rows"/>.</summary>
    /// <param name="matrix">The matrix W; its column count must equal the vector's length.</param>
    /// <param name="vector">The vector x.</param>
    public static Vec operator *(Mat matrix, Vec vector) => Ops.Multiply(matrix, vector);
}
