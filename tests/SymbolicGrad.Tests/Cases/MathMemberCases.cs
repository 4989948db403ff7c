using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>
/// Finite-difference cases for <see cref="MathMembers"/>; points lie inside one piece of Clamp, CopySign and the
/// remainders, and include points where the partials are dyadic (checked exactly in <see cref="MathMemberTests"/>).
/// </summary>
public static class MathMemberCases
{
    private static float F(double value) => (float)value;

    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("MathMembers.Atan2",
            p => MathMembers.Atan2(p[0], p[1]),
            (p, g) => MathMembers.Atan2Gradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 1.0], [-0.5, 2.0], [3.0, -1.5], [0.75, -0.25]),
        All("MathMembers.PolarAngle",
            p => MathMembers.PolarAngle(p[0], p[1]),
            (p, g) => MathMembers.PolarAngleGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 0.5], [-1.0, 2.0], [2.0, -1.0]),
        All("MathMembers.Cbrt",
            p => MathMembers.Cbrt(p[0]),
            (p, g) => MathMembers.CbrtGradient(p[0], out g[0]),
            [8.0], [-0.125], [2.5]),
        All("MathMembers.Log2",
            p => MathMembers.Log2(p[0], p[1]),
            (p, g) => MathMembers.Log2Gradient(p[0], p[1], out g[0], out g[1]),
            [2.0, 4.0], [0.5, 3.0], [1.5, 1.25]),
        All("MathMembers.LogWithBase",
            p => MathMembers.LogWithBase(p[0], p[1]),
            (p, g) => MathMembers.LogWithBaseGradient(p[0], p[1], out g[0], out g[1]),
            [8.0, 2.0], [0.5, 10.0], [3.0, 0.25]),
        All("MathMembers.InverseHyperbolic",
            p => MathMembers.InverseHyperbolic(p[0]),
            (p, g) => MathMembers.InverseHyperbolicGradient(p[0], out g[0]),
            [0.5], [-1.5], [2.0]),
        All("MathMembers.FusedMultiplyAdd",
            p => MathMembers.FusedMultiplyAdd(p[0], p[1], p[2]),
            (p, g) => MathMembers.FusedMultiplyAddGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]),
            [1.5, -2.0, 0.25], [0.5, 0.5, 0.5], [3.0, 4.0, -12.0]),
        All("MathMembers.FusedHorner",
            p => MathMembers.FusedHorner(p[0]),
            (p, g) => MathMembers.FusedHornerGradient(p[0], out g[0]),
            [0.5], [-2.0], [1.25]),
        Some("MathMembers.ScaleB(n=3)", [0],
            p => MathMembers.ScaleB(p[0], 3),
            (p, g) => MathMembers.ScaleBGradient(p[0], 3, out g[0]),
            [0.5], [-2.0], [1.25]),
        Some("MathMembers.ScaleB(n=-2)", [0],
            p => MathMembers.ScaleB(p[0], -2),
            (p, g) => MathMembers.ScaleBGradient(p[0], -2, out g[0]),
            [0.5], [-2.0], [1.25]),
        All("MathMembers.CopySign",
            p => MathMembers.CopySign(p[0], p[1]),
            (p, g) => MathMembers.CopySignGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 2.0], [-1.5, 2.0], [1.5, -2.0], [-0.5, -3.0]),
        All("MathMembers.Clamp",
            p => MathMembers.Clamp(p[0], p[1], p[2]),
            (p, g) => MathMembers.ClampGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]),
            [0.5, 0.0, 1.0], [-1.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.25, -0.5, 0.75]),
        All("MathMembers.ClampedSquare",
            p => MathMembers.ClampedSquare(p[0], p[1]),
            (p, g) => MathMembers.ClampedSquareGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 0.5], [2.0, 3.0], [-2.0, 3.0]),
        All("MathMembers.IeeeRemainder",
            p => MathMembers.IeeeRemainder(p[0], p[1]),
            (p, g) => MathMembers.IeeeRemainderGradient(p[0], p[1], out g[0], out g[1]),
            [5.3, 2.0], [-7.2, 3.0], [1.3, 0.7]),
        All("MathMembers.Remainder",
            p => MathMembers.Remainder(p[0], p[1]),
            (p, g) => MathMembers.RemainderGradient(p[0], p[1], out g[0], out g[1]),
            [5.3, 2.0], [-7.2, 3.0], [7.5, -2.25], [0.75, 2.0]),
        All("MathMembers.WrappedPhase",
            p => MathMembers.WrappedPhase(p[0], p[1]),
            (p, g) => MathMembers.WrappedPhaseGradient(p[0], p[1], out g[0], out g[1]),
            [3.0, 4.0], [-2.0, 5.0], [1.1, 2.0]),
        All("MathMembers.FloatMembers",
            p => MathMembers.FloatMembers(F(p[0]), F(p[1])),
            (p, g) => MathMembers.FloatMembersGradient(F(p[0]), F(p[1]), out float d0, out float d1) + Store(g, d0, d1),
            [0.5, 1.5], [2.6, 1.25], [-1.3, 0.7])
            .InFloat(p => Math.Atan2(p[1], p[0]) + Math.Cbrt(p[0]) + Math.Log2(p[1]) + (p[0] * p[1] + 1.0) + p[0] * 8.0
                + Math.CopySign(p[0], -p[1]) + Math.Clamp(p[0] * p[1], -1.0, 1.0) + p[0] % p[1]),
        Some("MathMembers.IntegerRemainder(7, 3)", [0],
            p => MathMembers.IntegerRemainder(p[0], 7, 3),
            (p, g) => MathMembers.IntegerRemainderGradient(p[0], 7, 3, out g[0]),
            [0.5], [-2.0], [1.25]),
        Some("MathMembers.IntegerRemainder(-7, 2)", [0],
            p => MathMembers.IntegerRemainder(p[0], -7, 2),
            (p, g) => MathMembers.IntegerRemainderGradient(p[0], -7, 2, out g[0]),
            [0.5], [-2.0], [1.25]),
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
