using SymbolicGrad.Tests.Functions;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>
/// A NaN or infinity in the branch not taken must not reach the gradient (0 · NaN is NaN): the generated code has to
/// select derivatives by the condition, not multiply them by it.
/// </summary>
public sealed class UntakenBranchTests
{
    [Fact]
    public void Sqrt_guarded_against_negative_input_has_zero_gradient_there()
    {
        double value = Piecewise.GuardedSqrtGradient(-4.0, out double dX);

        Assert.Equal(0.0, value);
        Assert.Equal(0.0, dX);
    }

    [Fact]
    public void Sinc_at_its_patched_singularity_has_value_one_and_zero_gradient()
    {
        double value = Piecewise.SincGradient(0.0, out double dX);

        Assert.Equal(1.0, value);
        Assert.Equal(0.0, dX);
    }

    [Fact]
    public void Log_guarded_by_an_early_return_passes_only_the_taken_branch()
    {
        double value = Piecewise.GuardedLogGradient(-1.0, 2.0, out double dX, out double dY);

        Assert.Equal(2.0, value);
        Assert.Equal(0.0, dX);
        Assert.Equal(1.0, dY);
    }
}
