using System.Reflection;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>One partial derivative of a generated gradient checked against finite differences of the user method.</summary>
internal sealed record GeneratedPartialCheck(string Parameter, FiniteDifferenceCheck Check);

/// <summary>A generated gradient evaluated at one point: its value, the user method's value, and every partial.</summary>
internal sealed record GradientCheckResult(double Value, double ExpectedValue, IReadOnlyList<GeneratedPartialCheck> Partials)
{
    public bool ValueMatches(double relativeTolerance) =>
        Math.Abs(Value - ExpectedValue) <= relativeTolerance * Math.Max(1.0, Math.Abs(ExpectedValue));

    public override string ToString() =>
        $"value {Value:R} (user method {ExpectedValue:R}); " +
        string.Join("; ", Partials.Select(p => $"d/d{p.Parameter}: {p.Check}"));
}

/// <summary>Checks generated <c>XGradient</c> methods against the user's <c>X</c> by central finite differences.</summary>
internal static class GeneratedGradientCheck
{
    /// <summary>
    /// Evaluates <c>{method}Gradient</c> at <paramref name="args"/>, asserts its out parameters are exactly the
    /// differentiable parameters (double/float without [NoDiff]) named d + Name, and checks each against finite
    /// differences of the user method.
    /// </summary>
    public static GradientCheckResult Evaluate(LoadedAssembly assembly, string typeName, string method, params object[] args)
    {
        var user = assembly.Type(typeName).GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new Xunit.Sdk.XunitException($"No static method {typeName}.{method}");
        var parameters = user.GetParameters();
        var differentiable = parameters.Where(IsDifferentiable).ToArray();

        var gradient = assembly.InvokeGradient(typeName, method, args);
        var expectedNames = differentiable.Select(p => OutName(p.Name!)).ToArray();
        var actualNames = gradient.Derivatives.Select(d => d.Key).ToArray();
        if (!expectedNames.SequenceEqual(actualNames))
            throw new Xunit.Sdk.XunitException(
                $"{method}Gradient out parameters are [{string.Join(", ", actualNames)}], expected [{string.Join(", ", expectedNames)}]");

        var value = Convert.ToDouble(user.Invoke(null, args));
        var partials = new List<GeneratedPartialCheck>();
        for (var k = 0; k < differentiable.Length; k++)
        {
            var p = differentiable[k];
            var single = p.ParameterType == typeof(float);
            var settings = single ? FiniteDifferenceSettings.Single : FiniteDifferenceSettings.Double;
            double Along(double t)
            {
                var moved = (object[])args.Clone();
                moved[p.Position] = single ? (object)(float)t : t;
                return Convert.ToDouble(user.Invoke(null, moved));
            }
            var check = FiniteDifference.Check(Along, Convert.ToDouble(args[p.Position]), gradient.Derivatives[k].Value, settings);
            partials.Add(new GeneratedPartialCheck(p.Name!, check));
        }
        return new GradientCheckResult(gradient.Value, value, partials);
    }

    /// <summary>Evaluates and fails unless the value matches and every smooth partial matches.</summary>
    public static GradientCheckResult AssertMatches(LoadedAssembly assembly, string typeName, string method, params object[] args)
    {
        var result = Evaluate(assembly, typeName, method, args);
        var single = args.Any(a => a is float);
        if (!result.ValueMatches(single ? 1e-6 : 1e-12) ||
            result.Partials.Any(p => p.Check.Verdict == FiniteDifferenceVerdict.Mismatch))
            throw new Xunit.Sdk.XunitException(
                $"{typeName}.{method}({string.Join(", ", args)}): {result}");
        return result;
    }

    /// <summary>d + the parameter name with its first letter upper-cased.</summary>
    public static string OutName(string parameter) => "d" + char.ToUpperInvariant(parameter[0]) + parameter.Substring(1);

    private static bool IsDifferentiable(System.Reflection.ParameterInfo p) =>
        (p.ParameterType == typeof(double) || p.ParameterType == typeof(float)) &&
        !p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "SymbolicGrad.NoDiffAttribute");
}
