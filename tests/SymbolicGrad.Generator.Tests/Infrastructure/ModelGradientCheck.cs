using System.Reflection;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Checks a generated model's <c>{method}Gradient</c> (what it adds into <c>Parameters.Gradients</c>) against central
/// finite differences of the user's own method over every parameter value, in float as the model computes.
/// </summary>
internal static class ModelGradientCheck
{
    /// <summary>
    /// Creates <paramref name="typeName"/> with <paramref name="constructorArguments"/>, runs <c>{method}Gradient</c> on
    /// <paramref name="arguments"/>, checks its loss against the user method and every partial against finite differences;
    /// returns the number of partials compared (those near a kink are skipped).
    /// </summary>
    public static int AssertMatches(LoadedAssembly assembly, string typeName, object[] constructorArguments, string method, params object[] arguments)
    {
        var type = assembly.Type(typeName);
        var model = (global::SymbolicGrad.Model)Activator.CreateInstance(type, constructorArguments)!;
        var user = type.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new Xunit.Sdk.XunitException($"No instance method {typeName}.{method}");
        var gradientMethod = type.GetMethod(method + "Gradient", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new Xunit.Sdk.XunitException($"No generated {typeName}.{method}Gradient");
        var parameters = model.Parameters;
        parameters.ZeroGradients();
        float loss = (float)gradientMethod.Invoke(model, arguments)!;
        float[] gradient = parameters.Gradients.ToArray();
        float expected = (float)user.Invoke(model, arguments)!;
        if (!(Math.Abs(loss - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected))))
            throw new Xunit.Sdk.XunitException($"{typeName}.{method}Gradient returned {loss:R}, the user method {expected:R}");

        int compared = 0;
        var failures = new List<string>();
        for (int k = 0; k < parameters.Count; k++)
        {
            float saved = parameters.Values[k];
            double Along(double t)
            {
                parameters.Values[k] = (float)t;
                return (float)user.Invoke(model, arguments)!;
            }
            var check = FiniteDifference.Check(Along, saved, gradient[k], FiniteDifferenceSettings.Single);
            parameters.Values[k] = saved;
            if (check.Verdict == FiniteDifferenceVerdict.NotSmooth) continue;
            compared++;
            if (check.Verdict == FiniteDifferenceVerdict.Mismatch) failures.Add($"parameter {k}: {check}");
        }
        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException($"{typeName}.{method}Gradient does not match finite differences:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        if (compared < parameters.Count / 2)
            throw new Xunit.Sdk.XunitException($"Only {compared} of {parameters.Count} partials were smooth enough to compare.");
        return compared;
    }
}
