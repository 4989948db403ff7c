namespace SymbolicGrad.Tests.Checking;

/// <summary>
/// Calls a generated <c>NameJvp</c>: the value, and in <paramref name="tangent"/> the derivative along
/// <paramref name="direction"/> (one entry per differentiable parameter, in the order of the gradient case's outs).
/// </summary>
public delegate double JvpMethod(double[] point, double[] direction, out double tangent);

/// <summary>
/// Calls a generated <c>NameHvp</c>: the value; the gradient and H·direction added into (or written to)
/// <paramref name="gradient"/> and <paramref name="hv"/>, indexed as the gradient case's outs; both start at zero.
/// </summary>
public delegate double HvpMethod(double[] point, double[] direction, double[] gradient, double[] hv);

/// <summary>Calls a generated <c>NameHessian</c>: the value, the gradient (n entries) and the n×n Hessian, row-major.</summary>
public delegate double HessianMethod(double[] point, double[] gradient, double[] hessian);

/// <summary>
/// The forward-mode and second-order methods of a [Differentiable(Jvp = true, Hessian = true)] method, checked at the
/// points of its gradient case (<see cref="GradientCase"/> of the same name): the function, its generated gradient and
/// which parameters are differentiable come from there.
/// </summary>
/// <param name="Name">The gradient case's name.</param>
/// <param name="Jvp">The generated <c>NameJvp</c>.</param>
/// <param name="Hvp">The generated <c>NameHvp</c>.</param>
/// <param name="Hessian">The generated <c>NameHessian</c>; null when a differentiable parameter is an array (none is generated).</param>
public sealed record DerivedCase(string Name, JvpMethod Jvp, HvpMethod Hvp, HessianMethod? Hessian)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
