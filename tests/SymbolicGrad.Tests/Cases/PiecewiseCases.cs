using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for <see cref="Piecewise"/>; every point lies well inside one piece.</summary>
public static class PiecewiseCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Piecewise.AbsTimes",
            p => Piecewise.AbsTimes(p[0], p[1]),
            (p, g) => Piecewise.AbsTimesGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 2.0], [-0.7, 3.0], [-2.0, -1.0]),
        All("Piecewise.MaxPlusMin",
            p => Piecewise.MaxPlusMin(p[0], p[1]),
            (p, g) => Piecewise.MaxPlusMinGradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 3.0], [3.0, 1.0], [-1.0, -3.0]),
        All("Piecewise.Relu",
            p => Piecewise.Relu(p[0]),
            (p, g) => Piecewise.ReluGradient(p[0], out g[0]),
            [1.5], [-0.7], [3.0]),
        All("Piecewise.LeakyRelu",
            p => Piecewise.LeakyRelu(p[0]),
            (p, g) => Piecewise.LeakyReluGradient(p[0], out g[0]),
            [1.5], [-0.7], [-3.0]),
        All("Piecewise.NestedConditional",
            p => Piecewise.NestedConditional(p[0]),
            (p, g) => Piecewise.NestedConditionalGradient(p[0], out g[0]),
            [-2.0], [0.5], [4.0]),
        All("Piecewise.Huber",
            p => Piecewise.Huber(p[0], p[1]),
            (p, g) => Piecewise.HuberGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 1.0], [3.0, 1.0], [-2.0, 1.5], [-1.0, 2.0]),
        All("Piecewise.LogicalConditions",
            p => Piecewise.LogicalConditions(p[0], p[1]),
            (p, g) => Piecewise.LogicalConditionsGradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 2.0], [-2.0, 5.0], [-0.5, 3.0], [0.5, -1.0]),
        All("Piecewise.SelectByFlag(true)",
            p => Piecewise.SelectByFlag(true, p[0]),
            (p, g) => Piecewise.SelectByFlagGradient(true, p[0], out g[0]),
            [0.3], [-1.2], [2.0]),
        All("Piecewise.SelectByFlag(false)",
            p => Piecewise.SelectByFlag(false, p[0]),
            (p, g) => Piecewise.SelectByFlagGradient(false, p[0], out g[0]),
            [0.3], [-1.2], [2.0]),
        All("Piecewise.BranchAssignsLocal",
            p => Piecewise.BranchAssignsLocal(p[0], p[1]),
            (p, g) => Piecewise.BranchAssignsLocalGradient(p[0], p[1], out g[0], out g[1]),
            [2.0, 1.0], [-1.0, 3.0], [0.5, -2.0]),
        All("Piecewise.IntCondition(n=3)",
            p => Piecewise.IntCondition(p[0], 3),
            (p, g) => Piecewise.IntConditionGradient(p[0], 3, out g[0]),
            [0.5], [-2.0], [3.0]),
        All("Piecewise.IntCondition(n=1)",
            p => Piecewise.IntCondition(p[0], 1),
            (p, g) => Piecewise.IntConditionGradient(p[0], 1, out g[0]),
            [0.5], [-2.0], [3.0]),
        All("Piecewise.GuardedSqrt",
            p => Piecewise.GuardedSqrt(p[0]),
            (p, g) => Piecewise.GuardedSqrtGradient(p[0], out g[0]),
            [-4.0], [0.5], [3.0]),
        All("Piecewise.Sinc",
            p => Piecewise.Sinc(p[0]),
            (p, g) => Piecewise.SincGradient(p[0], out g[0]),
            [0.5], [-2.0], [4.0]),
        All("Piecewise.GuardedLog",
            p => Piecewise.GuardedLog(p[0], p[1]),
            (p, g) => Piecewise.GuardedLogGradient(p[0], p[1], out g[0], out g[1]),
            [-1.0, 2.0], [0.5, -1.5], [3.0, 0.25]),
    ];
}
