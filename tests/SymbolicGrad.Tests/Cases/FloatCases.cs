using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>
/// Finite-difference cases for <see cref="FloatFunctions"/>. Finite differences in float are too coarse to check
/// anything, so each case differentiates a double twin of the method; the value is still compared with the float method.
/// </summary>
public static class FloatCases
{
    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    private static float F(double value) => (float)value;

    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("FloatFunctions.Sigmoid",
            p => FloatFunctions.Sigmoid(F(p[0])),
            (p, g) => FloatFunctions.SigmoidGradient(F(p[0]), out float d0) + Store(g, d0),
            [0.0], [-3.0], [2.5])
            .InFloat(p => Sigmoid(p[0])),
        Some("FloatFunctions.Gabor", [1, 2],
            p => FloatFunctions.Gabor(F(p[0]), F(p[1]), F(p[2])),
            (p, g) => FloatFunctions.GaborGradient(F(p[0]), F(p[1]), F(p[2]), out float d0, out float d1) + Store(g, d0, d1),
            [3.0, 0.5, 1.5], [-10.0, -1.0, 2.0], [14.0, 0.25, -0.75])
            .InFloat(p =>
            {
                double z = p[1] + 0.06 * p[2] * p[0];
                return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
            }),
        All("FloatFunctions.Polynomial",
            p => FloatFunctions.Polynomial(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.PolynomialGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [1.0, 2.0], [-0.5, 1.5], [3.0, -2.0])
            .InFloat(p => p[0] * p[0] * p[1] + 3.0 * p[1] - 0.5 * p[0]),
        All("FloatFunctions.LogSumExp",
            p => FloatFunctions.LogSumExp(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.LogSumExpGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [1.0, 2.0], [-0.5, 1.5], [3.0, -2.0])
            .InFloat(p => Math.Log(Math.Exp(p[0]) + Math.Exp(p[1]))),
        All("FloatFunctions.TanhSqrt",
            p => FloatFunctions.TanhSqrt(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.TanhSqrtGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [0.5, 2.0], [-1.25, 0.5], [2.0, 3.0])
            .InFloat(p => Math.Tanh(p[0]) * Math.Sqrt(p[1])),
        All("FloatFunctions.CastsInside",
            p => FloatFunctions.CastsInside(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.CastsInsideGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [0.5, 2.0], [-1.25, 0.5], [2.0, -3.0])
            .InFloat(p => Math.Sqrt(p[0] * p[1] * p[0] * p[1] + 1.0) + p[0]),
        All("FloatFunctions.PowAndLog",
            p => FloatFunctions.PowAndLog(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.PowAndLogGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [0.5, 2.0], [1.25, 0.5], [2.0, 3.0])
            .InFloat(p => Math.Pow(p[0], p[1]) + Math.Log(p[0], 2.0) + Math.Log10(p[1])),
        All("FloatFunctions.AbsMaxMin",
            p => FloatFunctions.AbsMaxMin(F(p[0]), F(p[1])),
            (p, g) => FloatFunctions.AbsMaxMinGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [0.5, 2.0], [-1.25, 0.5], [2.0, -3.0])
            .InFloat(p => Math.Abs(p[0]) + p[0] * p[1]),
        All("FloatFunctions.Trig",
            p => FloatFunctions.Trig(F(p[0])),
            (p, g) => FloatFunctions.TrigGradient(F(p[0]), out float d0) + Store(g, d0),
            [0.25], [-1.25], [1.5])
            .InFloat(p => Math.Sin(p[0]) + Math.Cos(2.0 * p[0]) + Math.Atan(p[0]) + Math.Asin(0.5 * p[0]) + Math.Acos(0.25 * p[0]) + Math.Tan(0.5 * p[0])),
        All("FloatFunctions.Hyperbolic",
            p => FloatFunctions.Hyperbolic(F(p[0])),
            (p, g) => FloatFunctions.HyperbolicGradient(F(p[0]), out float d0) + Store(g, d0),
            [0.25], [-1.25], [2.0])
            .InFloat(p => Math.Sinh(p[0]) + Math.Cosh(p[0]) + Math.Tanh(p[0])),
        All("FloatFunctions.FromFloat",
            p => FloatFunctions.FromFloat(p[0]),
            (p, g) => FloatFunctions.FromFloatGradient(p[0], out g[0]),
            [0.25], [-1.25], [2.0])
            .InFloat(p => Math.Exp(p[0]) + Sigmoid(p[0])),
    ];

    // Copies float partials into the checker's double buffer; returns 0 so it can be added to the value.
    private static double Store(double[] gradient, params float[] partials)
    {
        for (int i = 0; i < partials.Length; i++)
        {
            gradient[i] = partials[i];
        }
        return 0.0;
    }
}
