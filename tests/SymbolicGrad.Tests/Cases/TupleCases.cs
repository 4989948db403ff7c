using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for <see cref="Tuples"/>.</summary>
public static class TupleCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Tuples.Declare",
            p => Tuples.Declare(p[0], p[1]),
            (p, g) => Tuples.DeclareGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 2.0], [-0.5, 0.25], [3.0, -1.0]),
        All("Tuples.Swap",
            p => Tuples.Swap(p[0], p[1]),
            (p, g) => Tuples.SwapGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 2.0], [-0.5, 0.25], [3.0, -1.0]),
        All("Tuples.Rotate",
            p => Tuples.Rotate(p[0], p[1], p[2]),
            (p, g) => Tuples.RotateGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]),
            [1.5, 2.0, 0.5], [-0.5, 0.25, 2.0], [3.0, -1.0, -1.0]),
        Some("Tuples.Nested(3)", [0],
            p => Tuples.Nested(p[0], 3),
            (p, g) => Tuples.NestedGradient(p[0], 3, out g[0]),
            [0.5], [-1.5], [2.0]),
        All("Tuples.Recurrence",
            p => Tuples.Recurrence(p[0], p[1]),
            (p, g) => Tuples.RecurrenceGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 2.0], [-0.5, 0.25], [3.0, -1.0]),
    ];
}
