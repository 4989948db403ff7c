using SymbolicGrad.Tests.Cases;
using SymbolicGrad.Tests.Checking;
using Xunit;

namespace SymbolicGrad.Tests;

/// <summary>Every generated gradient against central finite differences of the user's method, theme by theme.</summary>
public sealed class FiniteDifferenceTests
{
    public static TheoryData<string> Arithmetic => GradientCatalogue.Names(ArithmeticCases.All);
    public static TheoryData<string> Transcendental => GradientCatalogue.Names(TranscendentalCases.All);
    public static TheoryData<string> Piecewise => GradientCatalogue.Names(PiecewiseCases.All);
    public static TheoryData<string> Lectures => GradientCatalogue.Names(LectureCases.All);
    public static TheoryData<string> FloatFunctions => GradientCatalogue.Names(FloatCases.All);
    public static TheoryData<string> Composition => GradientCatalogue.Names(CompositionCases.All);
    public static TheoryData<string> LoopFunctions => GradientCatalogue.Names(LoopCases.All);
    public static TheoryData<string> MathMembers => GradientCatalogue.Names(MathMemberCases.All);
    public static TheoryData<string> Patterns => GradientCatalogue.Names(PatternCases.All);
    public static TheoryData<string> Tuples => GradientCatalogue.Names(TupleCases.All);

    [Theory]
    [MemberData(nameof(Arithmetic))]
    public void Arithmetic_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Transcendental))]
    public void Transcendental_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Piecewise))]
    public void Piecewise_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Lectures))]
    public void Lecture_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(FloatFunctions))]
    public void Float_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Composition))]
    public void Composed_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(LoopFunctions))]
    public void Loop_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(MathMembers))]
    public void Math_member_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Pattern_gradient_matches_finite_differences(string function) => Check(function);

    [Theory]
    [MemberData(nameof(Tuples))]
    public void Tuple_gradient_matches_finite_differences(string function) => Check(function);

    private static void Check(string function) => new GradientChecker().Check(GradientCatalogue.Find(function));
}
