using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// [DerivativeOf] rules used by the generated gradient and Jvp: across types, with [NoDiff] and int operands, inside a
/// loop, over a [Differentiable] body, in float; checked against finite differences, closed forms, and with
/// <see cref="GradientCheck.Function"/> as users check their own rules.
/// </summary>
public sealed class DerivativeRuleTests
{
    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Theory]
    [InlineData(0.75, -1.5)]
    [InlineData(-2.25, 0.5)]
    [InlineData(3.5, 2.0)]
    public void Gradient_uses_the_rules_of_functions_in_another_type(double x, double y)
    {
        double value = Rules.UsesRulesGradient(x, y, out double dX, out double dY);
        Assert.Equal(Rules.UsesRules(x, y), value);
        // softplus(xy) + 3x⁴ + round(x)·y with the straight-through rule d round/dx = 1.
        Assert.Equal(Sigmoid(x * y) * y + 12 * x * x * x + y, dX, 12);
        Assert.Equal(Sigmoid(x * y) * x + Math.Round(x), dY, 12);
    }

    [Theory]
    [InlineData(0.75, -1.5, 1.0, 0.5)]
    [InlineData(-2.25, 0.5, -0.25, 2.0)]
    public void Jvp_uses_the_rules_and_is_the_gradient_along_the_direction(double x, double y, double tX, double tY)
    {
        Rules.UsesRulesGradient(x, y, out double dX, out double dY);
        double value = Rules.UsesRulesJvp(x, y, tX, tY, out double tangent);
        Assert.Equal(Rules.UsesRules(x, y), value);
        Assert.Equal(dX * tX + dY * tY, tangent, 12);
    }

    [Fact]
    public void A_rule_inside_a_loop_matches_finite_differences()
    {
        double[] w = [0.5, -1.25, 2.0], x = [1.5, 0.25, -0.75];
        double[] dW = new double[3];
        Rules.SoftplusSumGradient(w, x, dW);
        var report = GradientCheck.Function(p => Rules.SoftplusSum(p.ToArray(), x), (p, g) => Rules.SoftplusSumGradient(p.ToArray(), x, g), w);
        report.ThrowIfFailed();
        for (int i = 0; i < 3; i++) Assert.Equal(Sigmoid(w[i] * x[i]) * x[i] + 0.5 * Sigmoid(-w[i]), dW[i], 12);
        double[] t = [1.0, -0.5, 0.25];
        Rules.SoftplusSumJvp(w, x, t, out double tangent);
        Assert.Equal(dW[0] * t[0] + dW[1] * t[1] + dW[2] * t[2], tangent, 12);
    }

    [Fact]
    public void A_rule_wins_over_a_differentiable_body()
    {
        // Through the body, d√u/du at u = 0 is ∞ and the product with x·0 would be NaN; the rule gives 0.
        Rules.RadiusGradient(0.0, 0.0, out double dX, out double dY);
        Assert.Equal(0.0, dX);
        Assert.Equal(0.0, dY);
        // Elsewhere it is the exact derivative of √(x² + y²)·x.
        Rules.RadiusGradient(3.0, 4.0, out dX, out dY);
        Assert.Equal(5.0 + 9.0 / 5.0, dX, 14);
        Assert.Equal(12.0 / 5.0, dY, 14);
        // The function's own gradient is still its body's.
        Rules.RootGradient(4.0, out double dRoot);
        Assert.Equal(0.25, dRoot);
    }

    [Fact]
    public void A_float_rule_is_used_in_float_code()
    {
        float value = Rules.UsesFloatRuleGradient(1.5f, 0.5f, out float dX, out float dY);
        Assert.Equal(Rules.UsesFloatRule(1.5f, 0.5f), value);
        float s = 1 / (1 + MathF.Exp(-1f));
        Assert.Equal(s * 0.5f, dX, 6);
        Assert.Equal(Rules.SoftplusF(1f) - s * 0.5f, dY, 6);
        Rules.UsesFloatRuleJvp(1.5f, 0.5f, 2f, -1f, out float tangent);
        Assert.Equal(dX * 2f - dY, tangent, 6);
    }

    [Theory]
    [InlineData(-40.0)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(2.5)]
    [InlineData(35.0)]
    public void GradientCheck_function_accepts_a_correct_rule(double x)
    {
        var report = GradientCheck.Function(p => Special.Softplus(p[0]), (p, g) => Rules.SoftplusRule(p[0], out g[0]), [x]);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(Sigmoid(x), report.Partials[0].Analytic, 15);
    }

    [Fact]
    public void GradientCheck_function_rejects_a_wrong_rule_naming_the_partial()
    {
        // The straight-through rule is deliberately not the derivative of rounding: the check says so.
        var report = GradientCheck.Function(p => Rules.Round(p[0]) + p[1] * p[1], (p, g) => Rules.StraightThrough(p[0], out g[0]) + p[1] * p[1] + 0 * (g[1] = 2 * p[1]), [0.25, 1.5]);
        Assert.False(report.Passed);
        Assert.Equal(0, report.Worst.Index);
        Assert.Equal(1.0, report.Worst.Analytic);
        Assert.Equal(0.0, report.Worst.Numeric, 12);
        Assert.True(report.Partials[1].Error < 1e-9);
        Assert.Throws<InvalidOperationException>(report.ThrowIfFailed);
    }

    [Fact]
    public void GradientCheck_function_checks_a_generated_gradient_with_int_and_nodiff_operands()
    {
        var report = GradientCheck.Function(p => Special.ScaledPower(p[0], 3.0, 4), (p, g) => Rules.ScaledPowerRule(p[0], 3.0, 4, out g[0]), [1.25]);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(12 * 1.25 * 1.25 * 1.25, report.Partials[0].Analytic, 12);
    }
}
