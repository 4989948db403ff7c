using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for <see cref="Transcendental"/>.</summary>
public static class TranscendentalCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Transcendental.SinCos",
            p => Transcendental.SinCos(p[0], p[1]),
            (p, g) => Transcendental.SinCosGradient(p[0], p[1], out g[0], out g[1]),
            [0.3, 1.2], [-2.0, 0.5], [4.0, -3.0]),
        All("Transcendental.Tangent",
            p => Transcendental.Tangent(p[0]),
            (p, g) => Transcendental.TangentGradient(p[0], out g[0]),
            [0.3], [-1.2], [2.5]),
        All("Transcendental.InverseTrig",
            p => Transcendental.InverseTrig(p[0], p[1]),
            (p, g) => Transcendental.InverseTrigGradient(p[0], p[1], out g[0], out g[1]),
            [0.3, 1.2], [-0.7, -2.0], [0.9, 0.5]),
        All("Transcendental.Hyperbolic",
            p => Transcendental.Hyperbolic(p[0], p[1]),
            (p, g) => Transcendental.HyperbolicGradient(p[0], p[1], out g[0], out g[1]),
            [0.3, 1.2], [-1.0, 0.5], [2.0, -0.7]),
        All("Transcendental.ExpTimesLog",
            p => Transcendental.ExpTimesLog(p[0], p[1]),
            (p, g) => Transcendental.ExpTimesLogGradient(p[0], p[1], out g[0], out g[1]),
            [0.3, 1.2], [-1.0, 0.5], [2.0, 3.0]),
        All("Transcendental.LogWithBase",
            p => Transcendental.LogWithBase(p[0], p[1]),
            (p, g) => Transcendental.LogWithBaseGradient(p[0], p[1], out g[0], out g[1]),
            [2.0, 3.0], [0.5, 10.0], [7.0, 0.5]),
        All("Transcendental.LogBaseTen",
            p => Transcendental.LogBaseTen(p[0]),
            (p, g) => Transcendental.LogBaseTenGradient(p[0], out g[0]),
            [0.3], [-2.0], [5.0]),
        All("Transcendental.Hypotenuse",
            p => Transcendental.Hypotenuse(p[0], p[1]),
            (p, g) => Transcendental.HypotenuseGradient(p[0], p[1], out g[0], out g[1]),
            [3.0, 4.0], [-1.0, 0.5], [2.0, -7.0]),
        All("Transcendental.PowConstantExponent",
            p => Transcendental.PowConstantExponent(p[0]),
            (p, g) => Transcendental.PowConstantExponentGradient(p[0], out g[0]),
            [0.5], [1.3], [4.0]),
        All("Transcendental.PowIntegerExponent",
            p => Transcendental.PowIntegerExponent(p[0]),
            (p, g) => Transcendental.PowIntegerExponentGradient(p[0], out g[0]),
            [-2.0], [0.5], [3.0]),
        All("Transcendental.PowVariableExponent",
            p => Transcendental.PowVariableExponent(p[0], p[1]),
            (p, g) => Transcendental.PowVariableExponentGradient(p[0], p[1], out g[0], out g[1]),
            [2.0, 3.0], [0.5, -1.5], [1.7, 0.3]),
        All("Transcendental.Softplus",
            p => Transcendental.Softplus(p[0]),
            (p, g) => Transcendental.SoftplusGradient(p[0], out g[0]),
            [0.3], [-3.0], [5.0]),
        All("Transcendental.Gaussian",
            p => Transcendental.Gaussian(p[0], p[1], p[2]),
            (p, g) => Transcendental.GaussianGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]),
            [0.5, 0.0, 1.0], [-1.0, 0.3, 2.0], [2.0, 1.0, 0.5]),
        All("Transcendental.NestedTrig",
            p => Transcendental.NestedTrig(p[0]),
            (p, g) => Transcendental.NestedTrigGradient(p[0], out g[0]),
            [0.3], [-0.9], [1.2]),
        All("Transcendental.SinSquared",
            p => Transcendental.SinSquared(p[0]),
            (p, g) => Transcendental.SinSquaredGradient(p[0], out g[0]),
            [0.3], [-2.0], [4.0]),
    ];
}
