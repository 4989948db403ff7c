namespace SymbolicGrad;

/// <summary>
/// Marks a parameter of a <see cref="DifferentiableAttribute"/> method as data: no gradient is generated for it.
/// </summary>
/// <remarks><c>int</c> and <c>bool</c> parameters never get a gradient and need no attribute.</remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDiffAttribute : Attribute
{
}
