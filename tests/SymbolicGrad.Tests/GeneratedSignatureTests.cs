using System.Reflection;
using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>The shape of generated methods: one out per differentiable parameter, named and typed by the contract.</summary>
public sealed class GeneratedSignatureTests
{
    private static string Signature(Type type, string method)
    {
        MethodInfo info = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{type.Name}.{method} was not generated");
        IEnumerable<string> parameters = info.GetParameters().Select(p =>
            (p.IsOut ? "out " : "") + (p.IsOut ? p.ParameterType.GetElementType()! : p.ParameterType).Name + " " + p.Name);
        return $"{info.ReturnType.Name} {info.Name}({string.Join(", ", parameters)})";
    }

    [Theory]
    [InlineData(typeof(Lectures), "GaborGradient", "Double GaborGradient(Double x, Double phi0, Double phi1, out Double dPhi0, out Double dPhi1)")]
    [InlineData(typeof(Lectures), "NeuronGradient", "Double NeuronGradient(Double w0, Double x0, Double w1, Double x1, Double w2, out Double dW0, out Double dX0, out Double dW1, out Double dX1, out Double dW2)")]
    [InlineData(typeof(Arithmetic), "WithNoDiffGradient", "Double WithNoDiffGradient(Double a, Double x, Double b, out Double dX)")]
    [InlineData(typeof(Arithmetic), "WithIntGradient", "Double WithIntGradient(Double x, Int32 n, out Double dX)")]
    [InlineData(typeof(Piecewise), "SelectByFlagGradient", "Double SelectByFlagGradient(Boolean square, Double x, out Double dX)")]
    [InlineData(typeof(FloatFunctions), "GaborGradient", "Single GaborGradient(Single x, Single phi0, Single phi1, out Single dPhi0, out Single dPhi1)")]
    [InlineData(typeof(Outer.Inner), "SwishGradient", "Double SwishGradient(Double x, out Double dX)")]
    [InlineData(typeof(PlaneGeometry), "DotGradient", "Double DotGradient(Double ax, Double ay, Double bx, Double by, out Double dAx, out Double dAy, out Double dBx, out Double dBy)")]
    [InlineData(typeof(GlobalFunctions), "CubeGradient", "Double CubeGradient(Double x, out Double dX)")]
    public void Generated_gradient_has_the_contract_signature(Type type, string method, string expected) =>
        Assert.Equal(expected, Signature(type, method));

    [Fact]
    public void NoDiff_parameters_still_change_the_value_and_the_gradient()
    {
        double v1 = Arithmetic.WithNoDiffGradient(2.0, 1.5, 3.0, out double d1);
        double v2 = Arithmetic.WithNoDiffGradient(-1.0, 1.5, 0.5, out double d2);

        Assert.Equal(2.0 * 1.5 * 1.5 + 3.0 * 1.5, v1, 12);
        Assert.Equal(2.0 * 2.0 * 1.5 + 3.0, d1, 12);
        Assert.Equal(-1.0 * 1.5 * 1.5 + 0.5 * 1.5, v2, 12);
        Assert.Equal(-1.0 * 2.0 * 1.5 + 0.5, d2, 12);
    }

    [Fact]
    public void Generated_gradient_of_a_global_type_lives_in_the_global_namespace()
    {
        Assert.Null(typeof(GlobalFunctions).Namespace);
        Assert.NotNull(typeof(GlobalFunctions).GetMethod("BumpGradient"));
    }
}
