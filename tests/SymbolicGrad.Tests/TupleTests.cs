using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>Tuple deconstruction: exact partials at dyadic points, and a swap that reads the old values.</summary>
public sealed class TupleTests
{
    [Fact]
    public void Partials_are_exact_at_dyadic_points()
    {
        // p = xy = 3, s = x + y = 3.5: f = p·s, ∂f/∂x = y·s + p, ∂f/∂y = x·s + p.
        Assert.Equal(10.5, Tuples.DeclareGradient(1.5, 2.0, out double dX, out double dY));
        Assert.Equal((10.0, 8.25), (dX, dY));

        // After the swap a = y² and b = x: f = 3y² + sin(x).
        Assert.Equal(12.0 + Math.Sin(1.5), Tuples.SwapGradient(1.5, 2.0, out dX, out dY));
        Assert.Equal((Math.Cos(1.5), 12.0), (dX, dY));

        // At angle 0 the rotation is the identity: f = 2x² + y, ∂f/∂angle = 4x·(−y) + x.
        Assert.Equal(6.5, Tuples.RotateGradient(1.5, 2.0, 0.0, out dX, out dY, out double dAngle));
        Assert.Equal((6.0, 1.0, -10.5), (dX, dY, dAngle));
    }

    [Fact]
    public void A_swap_reads_the_old_values_at_special_values()
    {
        foreach (double x in new[] { double.NaN, -0.0, double.PositiveInfinity, 1.5 })
        {
            foreach (double y in new[] { double.NaN, -0.0, double.NegativeInfinity, -2.25 })
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(Tuples.Swap(x, y)), BitConverter.DoubleToInt64Bits(Tuples.SwapGradient(x, y, out _, out _)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(Tuples.Recurrence(x, y)), BitConverter.DoubleToInt64Bits(Tuples.RecurrenceGradient(x, y, out _, out _)));
            }
        }
    }
}
