using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for calls across classes, nested types, a struct and the global namespace.</summary>
public static class CompositionCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Composition.SquaredGabor",
            p => Composition.SquaredGabor(p[0], p[1]),
            (p, g) => Composition.SquaredGaborGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 1.5], [-1.0, 2.0], [0.2, -0.8]),
        All("Composition.SigmoidOfPolynomial",
            p => Composition.SigmoidOfPolynomial(p[0]),
            (p, g) => Composition.SigmoidOfPolynomialGradient(p[0], out g[0]),
            [0.5], [-1.5], [2.0]),
        All("Composition.CallChain",
            p => Composition.CallChain(p[0], p[1]),
            (p, g) => Composition.CallChainGradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 2.0], [-0.5, 1.5], [3.0, -1.0]),
        All("Composition.CallsStruct",
            p => Composition.CallsStruct(p[0], p[1]),
            (p, g) => Composition.CallsStructGradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 2.0], [-0.5, 1.5], [3.0, -1.0]),
        All("Composition.CallsGlobal",
            p => Composition.CallsGlobal(p[0]),
            (p, g) => Composition.CallsGlobalGradient(p[0], out g[0]),
            [0.5], [-1.5], [2.0]),
        All("Composition.PiecewiseCall",
            p => Composition.PiecewiseCall(p[0], p[1]),
            (p, g) => Composition.PiecewiseCallGradient(p[0], p[1], out g[0], out g[1]),
            [1.0, 0.5], [3.0, -1.0], [-1.0, 2.0]),
        Some("Composition.NoDiffArgument", [1],
            p => Composition.NoDiffArgument(p[0], p[1]),
            (p, g) => Composition.NoDiffArgumentGradient(p[0], p[1], out g[0]),
            [3.0, 0.5], [-10.0, 1.2], [7.0, -0.6]),
        All("Composition.LocalsAroundCall",
            p => Composition.LocalsAroundCall(p[0], p[1]),
            (p, g) => Composition.LocalsAroundCallGradient(p[0], p[1], out g[0], out g[1]),
            [0.3, 1.2], [-1.0, 0.5], [2.0, -0.7]),
        All("Outer.Inner.Swish",
            p => Outer.Inner.Swish(p[0]),
            (p, g) => Outer.Inner.SwishGradient(p[0], out g[0]),
            [0.5], [-2.0], [3.0]),
        All("Outer.Inner.Mish",
            p => Outer.Inner.Mish(p[0]),
            (p, g) => Outer.Inner.MishGradient(p[0], out g[0]),
            [0.5], [-2.0], [3.0]),
        All("PlaneGeometry.Norm",
            p => PlaneGeometry.Norm(p[0], p[1]),
            (p, g) => PlaneGeometry.NormGradient(p[0], p[1], out g[0], out g[1]),
            [3.0, 4.0], [-1.0, 0.5], [2.0, -7.0]),
        All("PlaneGeometry.Dot",
            p => PlaneGeometry.Dot(p[0], p[1], p[2], p[3]),
            (p, g) => PlaneGeometry.DotGradient(p[0], p[1], p[2], p[3], out g[0], out g[1], out g[2], out g[3]),
            [1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0, -3.0], [0.1, 0.2, -0.3, 0.4]),
        All("GlobalFunctions.Cube",
            p => GlobalFunctions.Cube(p[0]),
            (p, g) => GlobalFunctions.CubeGradient(p[0], out g[0]),
            [0.5], [-2.0], [3.0]),
        All("GlobalFunctions.Bump",
            p => GlobalFunctions.Bump(p[0], p[1]),
            (p, g) => GlobalFunctions.BumpGradient(p[0], p[1], out g[0], out g[1]),
            [0.5, 0.2], [-1.0, 0.5], [0.3, -0.8]),
    ];
}
