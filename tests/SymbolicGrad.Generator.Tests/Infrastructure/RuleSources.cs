namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>Functions with <c>[DerivativeOf]</c> rules that several tests compile, as members of a static partial class.</summary>
internal static class RuleSources
{
    /// <summary>
    /// <c>SquaresTimes(xs, a) = a·Σxs²</c> and its rule, whose derivative with respect to the array is a <c>Span</c> the
    /// rule adds into. The source needs <c>using System;</c> and <c>using SymbolicGrad;</c>.
    /// </summary>
    public const string SquaresTimesWithItsRule = """
            public static double SquaresTimes(double[] xs, double a)
            {
                double s = 0;
                foreach (double x in xs) s += x * x;
                return s * a;
            }

            [DerivativeOf(nameof(SquaresTimes))]
            public static double SquaresTimesRule(double[] xs, double a, Span<double> dXs, out double dA)
            {
                double s = 0;
                for (int i = 0; i < xs.Length; i++)
                {
                    s += xs[i] * xs[i];
                    dXs[i] += 2 * xs[i] * a;
                }
                dA = s;
                return s * a;
            }

        """;
}
