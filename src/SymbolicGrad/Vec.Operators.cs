namespace SymbolicGrad;

public readonly partial struct Vec
{
    /// <summary>Element-wise sum in a new vector; the lengths must be equal.</summary>
    /// <param name="left">First operand.</param>
    /// <param name="right">Second operand.</param>
    public static Vec operator +(Vec left, Vec right) => Ops.Add(left, right);

    /// <summary>Adds a scalar to every element, in a new vector.</summary>
    /// <param name="left">The vector.</param>
    /// <param name="right">The scalar.</param>
    public static Vec operator +(Vec left, float right) => Ops.Add(left, right);

    /// <summary>Adds a scalar to every element, in a new vector.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The vector.</param>
    public static Vec operator +(float left, Vec right) => Ops.Add(right, left);

    /// <summary>Element-wise difference in a new vector; the lengths must be equal.</summary>
    /// <param name="left">Minuend.</param>
    /// <param name="right">Subtrahend.</param>
    public static Vec operator -(Vec left, Vec right) => Ops.Subtract(left, right);

    /// <summary>Subtracts a scalar from every element, in a new vector.</summary>
    /// <param name="left">The vector.</param>
    /// <param name="right">The scalar.</param>
    public static Vec operator -(Vec left, float right) => Ops.Add(left, -right);

    /// <summary>The scalar minus every element, in a new vector.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The vector.</param>
    public static Vec operator -(float left, Vec right) => Ops.Subtract(left, right);

    /// <summary>Element-wise (Hadamard) product in a new vector; the lengths must be equal.</summary>
    /// <param name="left">First factor.</param>
    /// <param name="right">Second factor.</param>
    public static Vec operator *(Vec left, Vec right) => Ops.Multiply(left, right);

    /// <summary>Every element times a scalar, in a new vector.</summary>
    /// <param name="left">The vector.</param>
    /// <param name="right">The scalar.</param>
    public static Vec operator *(Vec left, float right) => Ops.Multiply(left, right);

    /// <summary>Every element times a scalar, in a new vector.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The vector.</param>
    public static Vec operator *(float left, Vec right) => Ops.Multiply(right, left);

    /// <summary>Every element negated, in a new vector.</summary>
    /// <param name="value">The vector.</param>
    public static Vec operator -(Vec value) => Ops.Negate(value);
}
