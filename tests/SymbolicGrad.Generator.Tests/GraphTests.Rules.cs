using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

public sealed partial class GraphTests
{
    private const string ArrayRule = $$"""
        using System;
        using SymbolicGrad;

        namespace Pictures;

        public static partial class Squares
        {
        {{RuleSources.SquaresTimesWithItsRule}}
            [Differentiable(Graph = true)]
            public static double Sine(double[] xs, double a) => Math.Sin(SquaresTimes(xs, a));
        }
        """;

    [Fact]
    public void ARulesArrayDerivativeIsScatteredIntoTheArraysGradient()
    {
        var run = GeneratorHarness.Run(ArrayRule).AssertClean();
        var chart = Chart.Parse(MermaidOf(run.Source("Pictures.Squares.Sine.g.cs")));
        string Id(string label) => Assert.Single(chart.Boxes, b => b.Value == label).Key;
        string[] From(string id) => chart.Arrows.Where(a => a.To == id).Select(a => a.From).Order(StringComparer.Ordinal).ToArray();
        string[] Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToArray();

        // The backward pass: the adjoint, the rule's call giving both derivatives, the array's scatter, the scalar's gradient.
        Assert.Equal(
            ["∂f/∂squaresTimes = cos(squaresTimes)",
             "dSquaresTimesdXs, dSquaresTimesdA = ∇SquaresTimes(xs, a), by the rule SquaresTimesRule",
             "∂f/∂xs += ∂f/∂squaresTimes·dSquaresTimesdXs",
             "∂f/∂a = ∂f/∂squaresTimes · dSquaresTimesdA"],
            chart.Boxes.Where(b => chart.Members("backward").Contains(b.Key)).Select(b => b.Value).ToArray());
        string xs = Id("xs"), a = Id("a"), adjoint = Id("∂f/∂squaresTimes = cos(squaresTimes)");
        string rule = Id("dSquaresTimesdXs, dSquaresTimesdA = ∇SquaresTimes(xs, a), by the rule SquaresTimesRule");
        string scatter = Id("∂f/∂xs += ∂f/∂squaresTimes·dSquaresTimesdXs");
        // The rule reads the call's operands; the scatter reads the adjoint and the rule's buffer, and is a gradient.
        Assert.Equal(Sorted(xs, a), From(rule));
        Assert.Equal(Sorted(adjoint, rule), From(scatter));
        Assert.Equal(Sorted(adjoint, rule), From(Id("∂f/∂a = ∂f/∂squaresTimes · dSquaresTimesdA")));
        Assert.Contains($"    {scatter}[\"∂f/∂xs += ∂f/∂squaresTimes·dSquaresTimesdXs\"]\n", MermaidOf(run.Source("Pictures.Squares.Sine.g.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void InsideALoopTheRulesCallAndScatterAreInTheReverseLoop()
    {
        var run = GeneratorHarness.Run(ArrayRule.Replace(
            "=> Math.Sin(SquaresTimes(xs, a));",
            "{ double t = 0; for (int k = 1; k <= 3; k++) t += Math.Sin(SquaresTimes(xs, a * k)); return t; }")).AssertClean();
        var chart = Chart.Parse(MermaidOf(run.Source("Pictures.Squares.Sine.g.cs")));
        string Id(string label) => Assert.Single(chart.Boxes, b => b.Value == label).Key;
        string[] From(string id) => chart.Arrows.Where(a => a.To == id).Select(a => a.From).Order(StringComparer.Ordinal).ToArray();
        string[] Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToArray();

        string rule = Id("dSquaresTimesdXs, dSquaresTimesdA = ∇SquaresTimes(xs, t22), by the rule SquaresTimesRule");
        string scatter = Id("∂t/∂xs += ∂t/∂(SquaresTimes(xs, t22))·dSquaresTimesdXs");
        string adjoint = Id("∂t/∂(SquaresTimes(xs, t22)) = dT · cos(SquaresTimes(xs, t22))");
        Assert.Equal(Sorted(Id("xs"), Id("t22 = a · t1")), From(rule));
        Assert.Equal(Sorted(adjoint, rule), From(scatter));
        Assert.Equal(Sorted(adjoint, rule), From(Id("∂t/∂t22 = ∂t/∂(SquaresTimes(xs, t22)) · dSquaresTimesdA")));
        // All three in the reverse loop's group, inside the backward pass.
        string loop = chart.ParentOf(rule)!;
        Assert.StartsWith("loop", loop, StringComparison.Ordinal);
        Assert.Equal("backward", chart.ParentOf(loop));
        Assert.Equal(loop, chart.ParentOf(scatter));
        Assert.Equal(loop, chart.ParentOf(adjoint));
    }
}
