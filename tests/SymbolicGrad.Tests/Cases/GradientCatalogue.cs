using SymbolicGrad.Tests.Checking;
using Xunit;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Every finite-difference case of every theme, looked up by name from theory data.</summary>
public static class GradientCatalogue
{
    /// <summary>All cases, themes in a fixed order.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        .. ArithmeticCases.All,
        .. TranscendentalCases.All,
        .. PiecewiseCases.All,
        .. LectureCases.All,
        .. FloatCases.All,
        .. CompositionCases.All,
        .. LoopCases.All,
        .. MathMemberCases.All,
        .. PatternCases.All,
        .. TupleCases.All,
    ];

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static GradientCase Find(string name) =>
        All.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"No gradient case named '{name}'.", nameof(name));

    /// <summary>Theory data: the names of <paramref name="cases"/>.</summary>
    public static TheoryData<string> Names(IReadOnlyList<GradientCase> cases)
    {
        var data = new TheoryData<string>();
        foreach (GradientCase c in cases)
        {
            data.Add(c.Name);
        }
        return data;
    }
}
