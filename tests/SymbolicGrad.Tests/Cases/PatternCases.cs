using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for <see cref="Patterns"/>: points in every arm, away from the arms' borders.</summary>
public static class PatternCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Patterns.AbsBySwitch",
            p => Patterns.AbsBySwitch(p[0]),
            (p, g) => Patterns.AbsBySwitchGradient(p[0], out g[0]),
            [1.5], [-0.75], [3.0]),
        All("Patterns.Bands",
            p => Patterns.Bands(p[0], p[1]),
            (p, g) => Patterns.BandsGradient(p[0], p[1], out g[0], out g[1]),
            [-2.0, 3.0], [0.5, -1.5], [1.25, 2.0], [6.0, 0.5], [3.0, 1.5]),
        Some("Patterns.SwitchOnInt(0)", [0], p => Patterns.SwitchOnInt(p[0], 0), (p, g) => Patterns.SwitchOnIntGradient(p[0], 0, out g[0]), [0.5], [-1.5], [2.0]),
        Some("Patterns.SwitchOnInt(2)", [0], p => Patterns.SwitchOnInt(p[0], 2), (p, g) => Patterns.SwitchOnIntGradient(p[0], 2, out g[0]), [0.5], [-1.5], [2.0]),
        Some("Patterns.SwitchOnInt(11)", [0], p => Patterns.SwitchOnInt(p[0], 11), (p, g) => Patterns.SwitchOnIntGradient(p[0], 11, out g[0]), [0.5], [-1.5], [2.0]),
        Some("Patterns.SwitchOnInt(5)", [0], p => Patterns.SwitchOnInt(p[0], 5), (p, g) => Patterns.SwitchOnIntGradient(p[0], 5, out g[0]), [0.5], [-1.5], [2.0]),
        Some("Patterns.SwitchOnBool(true)", [0], p => Patterns.SwitchOnBool(true, p[0]), (p, g) => Patterns.SwitchOnBoolGradient(true, p[0], out g[0]), [0.5], [-1.5], [2.0]),
        Some("Patterns.SwitchOnBool(false)", [0], p => Patterns.SwitchOnBool(false, p[0]), (p, g) => Patterns.SwitchOnBoolGradient(false, p[0], out g[0]), [0.5], [-1.5], [2.0]),
        All("Patterns.VarPattern",
            p => Patterns.VarPattern(p[0], p[1]),
            (p, g) => Patterns.VarPatternGradient(p[0], p[1], out g[0], out g[1]),
            [2.0, 3.0], [0.5, 0.5], [-1.5, 2.0]),
        All("Patterns.IsPatterns",
            p => Patterns.IsPatterns(p[0], p[1]),
            (p, g) => Patterns.IsPatternsGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 2.0], [-3.0, 1.5], [2.0, 3.0], [0.25, 3.0], [1.5, -1.0]),
        All("Patterns.ZeroPattern",
            p => Patterns.ZeroPattern(p[0], p[1]),
            (p, g) => Patterns.ZeroPatternGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 2.0], [-3.0, 1.5], [2.0, -3.0]),
        All("Patterns.FloatSwitch",
            p => Patterns.FloatSwitch((float)p[0]),
            (p, g) => Patterns.FloatSwitchGradient((float)p[0], out float d) + (g[0] = d) * 0.0,
            [2.5], [-3.0], [0.5])
            .InFloat(p => p[0] > 1.0 ? Math.Log(p[0]) : p[0] < -1.0 ? -Math.Log(-p[0]) : p[0] - 1.0),
    ];
}
