using SymbolicGrad.Tests.Cases;
using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// NameJvp against finite differences of the function, NameHvp and NameHessian against finite differences of the
/// generated gradient, on every method marked [Differentiable(Jvp = true, Hessian = true)]; exact values where the
/// arithmetic is exact; shapes, threads and allocations.
/// </summary>
public sealed class ForwardAndSecondOrderTests
{
    public static TheoryData<string> Cases => DerivedCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Jvp_matches_finite_differences_of_the_function(string function) => DerivedChecker.CheckJvp(DerivedCases.Find(function));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Second_derivatives_match_finite_differences_of_the_gradient(string function) =>
        DerivedChecker.CheckSecondOrder(DerivedCases.Find(function));

    [Fact]
    public void At_least_twenty_functions_including_loops_are_checked()
    {
        Assert.True(DerivedCases.All.Count >= 20, $"{DerivedCases.All.Count} functions");
        Assert.True(DerivedCases.All.Count(c => c.Name.StartsWith("Loops.", StringComparison.Ordinal)) >= 10);
        Assert.True(DerivedCases.All.Count(c => c.Hessian is null) >= 5, "array functions get NameHvp only");
    }

    [Fact]
    public void Rosenbrock_hessian_at_its_minimum_is_exact()
    {
        double[] gradient = new double[2], hessian = new double[4];
        double value = Curvature.RosenbrockHessian(1.0, 1.0, gradient, hessian);
        Assert.Equal(0.0, value);
        Assert.Equal([0.0, 0.0], gradient);
        Assert.Equal([802.0, -400.0, -400.0, 200.0], hessian);
    }

    [Fact]
    public void Rosenbrock_hessian_at_a_dyadic_point_is_exact()
    {
        // H = [[2 − 400(y − x²) + 800x², −400x], [−400x, 200]], g = (−2(1 − x) − 400x(y − x²), 200(y − x²)).
        double x = 0.5, y = -1.25;
        double[] gradient = new double[2], hessian = new double[4];
        double value = Curvature.RosenbrockHessian(x, y, gradient, hessian);
        Assert.Equal((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), value);
        Assert.Equal([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], gradient);
        Assert.Equal([2 - 400 * (y - x * x) + 800 * x * x, -400 * x, -400 * x, 200], hessian);
        float[] g = new float[2], h = new float[4];
        Curvature.RosenbrockFHessian(0.5f, -1.25f, g, h);
        Assert.Equal([(float)hessian[0], -200f, -200f, 200f], h);
    }

    [Fact]
    public void Jvp_at_dyadic_points_is_exact()
    {
        // f = 3x³ − 2x² + x − 5: f'(0.5) = 9/4 − 2 + 1 = 1.25; along t = 2, 2.5.
        Assert.Equal(Arithmetic.Polynomial(0.5), Arithmetic.PolynomialJvp(0.5, 2.0, out double tangent));
        Assert.Equal(2.5, tangent);
        // abcd along (1, 1, 1, 1): bcd + acd + abd + abc.
        Arithmetic.ProductOfFourJvp(0.5, 2.0, -1.5, 0.25, 1, 1, 1, 1, out double sum);
        Assert.Equal(2.0 * -1.5 * 0.25 + 0.5 * -1.5 * 0.25 + 0.5 * 2.0 * 0.25 + 0.5 * 2.0 * -1.5, sum);
        // Rosenbrock at (1, 1) is a minimum: every directional derivative is 0.
        Curvature.RosenbrockJvp(1.0, 1.0, 0.75, -3.0, out double flat);
        Assert.Equal(0.0, flat);
    }

    [Fact]
    public void Hessian_of_a_polynomial_and_a_product_are_exact()
    {
        double[] g = new double[1], h = new double[1];
        Arithmetic.PolynomialHessian(0.75, g, h);
        Assert.Equal(18 * 0.75 - 4, h[0]);
        double[] g4 = new double[4], h4 = new double[16];
        Arithmetic.ProductOfFourHessian(0.5, 2.0, -1.5, 0.25, g4, h4);
        double[] p = [0.5, 2.0, -1.5, 0.25];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                double expected = i == j ? 0 : Enumerable.Range(0, 4).Where(k => k != i && k != j).Aggregate(1.0, (a, k) => a * p[k]);
                Assert.Equal(expected, h4[i * 4 + j]);
            }
        }
    }

    [Fact]
    public void Hessian_vector_product_through_a_loop_is_exact_at_dyadic_points()
    {
        // p(x) = Σ cᵢ xⁱ: ∂²p/∂x² = Σ i(i − 1) cᵢ xⁱ⁻², ∂²p/∂cᵢ∂x = i xⁱ⁻¹, ∂²p/∂cᵢ∂cⱼ = 0.
        double[] c = [1.0, 2.0, 3.0, 4.0];
        double[] dC = new double[4], hvC = new double[4];
        double value = Loops.HornerHvp(c, 0.5, new double[4], 1.0, dC, out double dX, hvC, out double hvX);
        Assert.Equal(1 + 2 * 0.5 + 3 * 0.25 + 4 * 0.125, value);
        Assert.Equal([1.0, 0.5, 0.25, 0.125], dC);
        Assert.Equal(2 + 2 * 3 * 0.5 + 3 * 4 * 0.25, dX);
        Assert.Equal([0.0, 1.0, 1.0, 0.75], hvC);
        Assert.Equal(2 * 3 + 6 * 4 * 0.5, hvX);
    }

    [Fact]
    public void Hessian_vector_product_of_a_quadratic_form_is_its_symmetric_part_times_the_direction()
    {
        double[] a = [2.0, 1.0, 0.0, 3.0, 4.0, -1.0, 0.5, 0.0, 1.5];
        double[] b = [1.0, -2.0, 0.25];
        double[] x = [0.5, -1.5, 2.0], t = [1.0, 0.25, -0.5];
        double[] dX = new double[3], hv = new double[3];
        Curvature.QuadraticHvp(x, a, b, t, dX, hv);
        for (int i = 0; i < 3; i++)
        {
            double expected = Enumerable.Range(0, 3).Sum(j => 0.5 * (a[i * 3 + j] + a[j * 3 + i]) * t[j]);
            Assert.Equal(expected, hv[i], 14);
        }
    }

    [Fact]
    public void Buffers_of_the_wrong_length_are_rejected_naming_the_buffer()
    {
        var gradient = Assert.Throws<ArgumentException>(() => Curvature.RosenbrockHessian(1, 1, new double[3], new double[4]));
        Assert.Equal("gradient", gradient.ParamName);
        var hessian = Assert.Throws<ArgumentException>(() => Curvature.RosenbrockHessian(1, 1, new double[2], new double[2]));
        Assert.Equal("hessian", hessian.ParamName);
        Assert.Contains("2 × 2 = 4", hessian.Message);
        var tangent = Assert.Throws<ArgumentException>(() => Loops.HornerJvp([1.0, 2.0], 0.5, new double[3], 1.0, out _));
        Assert.Equal("tC", tangent.ParamName);
        var hv = Assert.Throws<ArgumentException>(() => Loops.HornerHvp([1.0, 2.0], 0.5, new double[2], 1.0, new double[2], out _, new double[1], out _));
        Assert.Equal("hvC", hv.ParamName);
    }

    [Fact]
    public void Jvp_and_hvp_of_loops_allocate_nothing_after_warm_up()
    {
        double[] c = [1.0, -2.0, 0.5, 3.0, 0.25], tC = [0.5, 0.5, 0.5, 0.5, 0.5];
        double[] dC = new double[5], hvC = new double[5];
        Loops.HornerJvp(c, 0.75, tC, 1.0, out _);
        Loops.HornerHvp(c, 0.75, tC, 1.0, dC, out _, hvC, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
        {
            Loops.HornerJvp(c, 0.75, tC, 1.0, out _);
            Loops.HornerHvp(c, 0.75, tC, 1.0, dC, out _, hvC, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Hessian_vector_products_on_many_threads_agree_with_one_thread()
    {
        // Each thread has its own tape; arrays of different lengths make the tapes grow differently.
        double Run(int length, out double[] hv)
        {
            double[] c = Enumerable.Range(0, length).Select(i => 0.125 * (i % 7) - 0.25).ToArray();
            double[] t = Enumerable.Range(0, length).Select(i => 1.0 / (i + 1)).ToArray();
            hv = new double[length];
            return Loops.HornerHvp(c, 0.875, t, 0.5, new double[length], out _, hv, out double hvX) + hvX;
        }
        var expected = Enumerable.Range(1, 64).Select(n => (Value: Run(n, out var hv), Hv: hv)).ToArray();
        var actual = new (double Value, double[] Hv)[64];
        Parallel.For(0, 64 * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int n = 1 + (k * 37) % 64;
            actual[n - 1] = (Run(n, out var hv), hv);
        });
        for (int n = 0; n < 64; n++)
        {
            Assert.Equal(expected[n].Value, actual[n].Value);
            Assert.Equal(expected[n].Hv, actual[n].Hv);
        }
    }

    [Fact]
    public void Nan_inputs_give_nan_where_the_method_gives_nan()
    {
        Assert.True(double.IsNaN(Curvature.RosenbrockJvp(double.NaN, 1.0, 1.0, 0.0, out double tangent)));
        Assert.True(double.IsNaN(tangent));
        double[] g = new double[2], h = new double[4];
        Assert.True(double.IsNaN(Curvature.RosenbrockHessian(double.NaN, 1.0, g, h)));
        Assert.True(double.IsNaN(h[0]));
        Assert.Equal(200.0, h[3]);
    }
}
