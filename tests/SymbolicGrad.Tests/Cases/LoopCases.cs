using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>
/// Finite-difference cases for <see cref="Loops"/>. A point holds the array elements first, then the scalars; the
/// generated gradient adds an array's partials into its span, so each case passes a slice of the gradient.
/// Points keep every branch and exit away from its switching point.
/// </summary>
public static class LoopCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Loops.Horner",
            p => Loops.Horner(p[..4], p[4]),
            (p, g) => Loops.HornerGradient(p[..4], p[4], g.AsSpan(0, 4), out g[4]),
            [1.0, -2.0, 0.5, 3.0, 0.75], [0.25, 1.5, -1.0, 2.0, -1.25], [2.0, 0.0, 1.0, -0.5, 1.1]),
        All("Loops.Dot",
            p => Loops.Dot(p[..3], p[3..]),
            (p, g) => Loops.DotGradient(p[..3], p[3..], g.AsSpan(0, 3), g.AsSpan(3, 3)),
            [1.0, 2.0, 3.0, -1.0, 0.5, 2.0], [0.1, -0.2, 0.3, 4.0, 5.0, -6.0], [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]),
        Some("Loops.LeastSquares", [6, 7],
            p => Loops.LeastSquares(p[..3], p[3..6], p[6], p[7]),
            (p, g) => Loops.LeastSquaresGradient(p[..3], p[3..6], p[6], p[7], out g[0], out g[1]),
            [0.0, 1.0, 2.0, 1.0, 3.1, 4.9, 2.0, 1.0], [-1.0, 0.5, 3.0, 2.0, -1.0, 0.0, -0.5, 0.25], [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 0.9, 0.1]),
        All("Loops.ForeachSumOfSquares",
            p => Loops.ForeachSumOfSquares(p),
            (p, g) => Loops.ForeachSumOfSquaresGradient(p, g),
            [1.0, -2.0, 3.0], [0.5, 0.25, -0.125], [4.0, 3.0, -2.0]),
        All("Loops.PowerByLoop(5)",
            p => Loops.PowerByLoop(p[0], 5),
            (p, g) => Loops.PowerByLoopGradient(p[0], 5, out g[0]),
            [1.5], [-0.75], [2.0]),
        All("Loops.PowerByLoop(0)",
            p => Loops.PowerByLoop(p[0], 0),
            (p, g) => Loops.PowerByLoopGradient(p[0], 0, out g[0]),
            [1.5], [-0.75], [2.0]),
        All("Loops.WhileHalving",
            p => Loops.WhileHalving(p[0]),
            (p, g) => Loops.WhileHalvingGradient(p[0], out g[0]),
            [0.5], [3.0], [3.5]),
        All("Loops.DoWhileNewtonSqrt",
            p => Loops.DoWhileNewtonSqrt(p[0]),
            (p, g) => Loops.DoWhileNewtonSqrtGradient(p[0], out g[0]),
            [2.0], [9.0], [0.7]),
        Some("Loops.BreakAtThreshold", [0, 1, 2, 3],
            p => Loops.BreakAtThreshold(p[..4], p[4]),
            (p, g) => Loops.BreakAtThresholdGradient(p[..4], p[4], g.AsSpan(0, 4)),
            [1.0, 2.0, 3.0, 4.0, 4.5], [1.0, 1.0, 1.0, 1.0, 100.0], [0.5, -0.5, 2.0, 1.0, 0.1]),
        All("Loops.ContinueSkipsNegatives",
            p => Loops.ContinueSkipsNegatives(p[..4], p[4]),
            (p, g) => Loops.ContinueSkipsNegativesGradient(p[..4], p[4], g.AsSpan(0, 4), out g[4]),
            [1.0, -2.0, 3.0, -0.5, 2.0], [-1.0, -1.0, 0.5, 0.25, -3.0], [2.0, 2.0, 2.0, 2.0, 0.5]),
        All("Loops.ReturnInsideLoop",
            p => Loops.ReturnInsideLoop(p[..3], p[3]),
            (p, g) => Loops.ReturnInsideLoopGradient(p[..3], p[3], g.AsSpan(0, 3), out g[3]),
            [1.0, 2.0, 3.0, 1.5], [0.1, 0.2, 0.3, 1.0], [0.5, 4.0, 1.0, 1.0]),
        All("Loops.NestedLoops",
            p => Loops.NestedLoops(p[..4], p[4]),
            (p, g) => Loops.NestedLoopsGradient(p[..4], p[4], g.AsSpan(0, 4), out g[4]),
            [1.0, 2.0, -1.0, 0.5, 0.75], [0.3, -0.4, 1.2, 2.0, -1.5], [1.0, 1.0, 1.0, 1.0, 1.0]),
        All("Loops.NestedProducts",
            p => Loops.NestedProducts(p[0], p[1]),
            (p, g) => Loops.NestedProductsGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 0.5], [-0.75, 2.0], [2.0, -1.0]),
        All("Loops.TwoCarriedRecurrence(6)",
            p => Loops.TwoCarriedRecurrence(p[0], p[1], 6),
            (p, g) => Loops.TwoCarriedRecurrenceGradient(p[0], p[1], 6, out g[0], out g[1]),
            [0.5, 1.0], [-1.25, 2.0], [1.1, -0.3]),
        All("Loops.SwapEachIteration",
            p => Loops.SwapEachIteration(p[0], p[1]),
            (p, g) => Loops.SwapEachIterationGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 0.5], [-0.75, 2.0], [2.0, -1.0]),
        All("Loops.FloatPolynomial",
            p => Loops.FloatPolynomial([(float)p[0], (float)p[1], (float)p[2]], (float)p[3]),
            (p, g) => Floats(g, 4, (gf) => Loops.FloatPolynomialGradient([(float)p[0], (float)p[1], (float)p[2]], (float)p[3], gf.AsSpan(0, 3), out gf[3])),
            [1.0, -2.0, 0.5, 0.75], [0.25, 1.5, -1.0, -1.25], [2.0, 0.0, 1.0, 1.1])
            .InFloat(p => Loops.Horner(p[..3], p[3])),
        Some("Loops.SpanWeightedSum", [0, 1, 2],
            p => Loops.SpanWeightedSum(p.AsSpan(0, 3), p.AsSpan(3, 3)),
            (p, g) => Loops.SpanWeightedSumGradient(p.AsSpan(0, 3), p.AsSpan(3, 3), g.AsSpan(0, 3)),
            [1.0, 2.0, 3.0, 0.5, -0.5, 1.5], [-1.0, 0.0, 1.0, 2.0, 2.0, 2.0], [0.25, 0.5, 0.75, -1.0, 0.1, 0.3]),
        All("Loops.FloatSpanSoftplusSum",
            p => Loops.FloatSpanSoftplusSum(p.Select(v => (float)v).ToArray()),
            (p, g) => Floats(g, 3, gf => Loops.FloatSpanSoftplusSumGradient(p.Select(v => (float)v).ToArray(), gf.AsSpan(0, 3))),
            [0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [-3.0, 1.5, 0.25])
            .InFloat(p => p.Sum(v => Math.Log(1 + Math.Exp(v)))),
        All("Loops.LogSumExpLoop",
            p => Loops.LogSumExpLoop(p),
            (p, g) => Loops.LogSumExpLoopGradient(p, g),
            [0.5, -1.0, 2.0], [3.0, 1.0, 0.0], [-3.0, 1.5, 0.25]),
        All("Loops.PrefixProductSum",
            p => Loops.PrefixProductSum(p),
            (p, g) => Loops.PrefixProductSumGradient(p, g),
            [0.5, -1.0, 2.0], [3.0, 1.0, 0.5], [-3.0, 1.5, 0.25]),
        All("Loops.ComputedIndex",
            p => Loops.ComputedIndex(p[..5], p[5]),
            (p, g) => Loops.ComputedIndexGradient(p[..5], p[5], g.AsSpan(0, 5), out g[5]),
            [1.0, 2.0, 3.0, 4.0, 5.0, 0.5], [-1.0, 0.5, 0.25, 2.0, -3.0, 1.5], [0.1, 0.2, 0.3, 0.4, 0.5, -2.0]),
        All("Loops.GuardedNeighbour",
            p => Loops.GuardedNeighbour(p),
            (p, g) => Loops.GuardedNeighbourGradient(p, g),
            [0.5, -1.0, 2.0, 0.75], [3.0, 1.0, 0.5, -2.0], [1.5, 2.5, -0.5, 1.0]),
        All("Loops.StepByTwo",
            p => Loops.StepByTwo(p[..5], p[5]),
            (p, g) => Loops.StepByTwoGradient(p[..5], p[5], g.AsSpan(0, 5), out g[5]),
            [1.0, 2.0, 3.0, 4.0, 5.0, 0.5], [-1.0, 0.5, 0.25, 2.0, -3.0, 1.5], [0.1, 0.2, 0.3, 0.4, 0.5, -2.0]),
        All("Loops.WhileWithIntCounter(5)",
            p => Loops.WhileWithIntCounter(p[0], 5),
            (p, g) => Loops.WhileWithIntCounterGradient(p[0], 5, out g[0]),
            [0.5], [-1.0], [2.0]),
        All("Loops.EarlyExitSearch",
            p => Loops.EarlyExitSearch(p[..3], p[3]),
            (p, g) => Loops.EarlyExitSearchGradient(p[..3], p[3], g.AsSpan(0, 3), out g[3]),
            [1.0, 2.0, 3.0, 2.02], [1.0, 2.0, 3.0, 5.0], [0.5, -0.5, 0.0, 0.01]),
        All("Loops.ConditionalAccumulation",
            p => Loops.ConditionalAccumulation(p[..3], p[3]),
            (p, g) => Loops.ConditionalAccumulationGradient(p[..3], p[3], g.AsSpan(0, 3), out g[3]),
            [1.0, -2.0, 3.0, 0.5], [1.0, -2.0, 3.0, -0.5], [0.1, 0.2, -0.3, 2.0]),
        All("Loops.LoopInvariantWork",
            p => Loops.LoopInvariantWork(p[..3], p[3], p[4]),
            (p, g) => Loops.LoopInvariantWorkGradient(p[..3], p[3], p[4], g.AsSpan(0, 3), out g[3], out g[4]),
            [1.0, -2.0, 3.0, 0.5, 0.25], [1.0, 2.0, 3.0, -0.5, 1.5], [0.1, 0.2, -0.3, 2.0, -1.0]),
        All("Loops.LoopOverScalarsOnly",
            p => Loops.LoopOverScalarsOnly(p[0], p[1]),
            (p, g) => Loops.LoopOverScalarsOnlyGradient(p[0], p[1], out g[0], out g[1]),
            [1.5, 0.5], [-0.75, 1.25], [2.0, -0.6]),
        All("Loops.ArrayLengthInArithmetic",
            p => Loops.ArrayLengthInArithmetic(p),
            (p, g) => Loops.ArrayLengthInArithmeticGradient(p, g),
            [0.5, -1.0, 2.0, 4.0], [3.0, 1.0, 0.5, -2.0], [-3.0, 1.5, 0.25, 8.0]),
    ];

    /// <summary>Calls a float gradient method with a float gradient buffer and copies the partials into <paramref name="gradient"/>.</summary>
    private static double Floats(double[] gradient, int count, Func<float[], float> call)
    {
        var partials = new float[count];
        float value = call(partials);
        for (int i = 0; i < count; i++) gradient[i] = partials[i];
        return value;
    }
}
