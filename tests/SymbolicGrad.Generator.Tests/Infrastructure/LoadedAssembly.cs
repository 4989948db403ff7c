using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// A compilation emitted to memory and loaded into a collectible context, so generated methods can be called.
/// Dispose to unload it.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private LoadedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    /// <summary>Emits <paramref name="compilation"/> and loads it; fails with the emit diagnostics if it does not compile.</summary>
    public static LoadedAssembly Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        if (!emit.Success)
        {
            var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
            throw new Xunit.Sdk.XunitException("Emit failed:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
        return Load(image);
    }

    /// <summary>Loads an image already emitted into <paramref name="image"/>.</summary>
    public static LoadedAssembly Load(MemoryStream image)
    {
        image.Position = 0;
        // No Load override: the SymbolicGrad runtime and the framework resolve from the default context.
        var context = new AssemblyLoadContext("GeneratorTest", isCollectible: true);
        return new LoadedAssembly(context, context.LoadFromStream(image));
    }

    /// <summary>The type named <paramref name="metadataName"/> (nested types joined with '+'), or a clear failure.</summary>
    public Type Type(string metadataName) =>
        Assembly.GetType(metadataName, throwOnError: false)
        ?? throw new Xunit.Sdk.XunitException(
            $"Type '{metadataName}' not found; types: {string.Join(", ", Assembly.GetTypes().Select(t => t.FullName))}");

    /// <summary>Calls the user's method <paramref name="method"/> and returns its value as double.</summary>
    public double Invoke(string typeName, string method, params object[] args) =>
        Convert.ToDouble(Method(typeName, method).Invoke(null, args));

    /// <summary>
    /// Calls the generated <c>{method}Gradient</c> with <paramref name="args"/> (the user method's arguments);
    /// returns its value and its out values by parameter name.
    /// </summary>
    public GradientResult InvokeGradient(string typeName, string method, params object[] args)
    {
        var gradient = Method(typeName, method + "Gradient");
        var parameters = gradient.GetParameters();
        if (parameters.Length < args.Length || parameters.Skip(args.Length).Any(p => !p.IsOut))
            throw new Xunit.Sdk.XunitException(
                $"{method}Gradient has signature ({string.Join(", ", parameters.Select(p => p.ToString()))}); expected the {args.Length} argument(s) then out parameters only");
        var all = new object?[parameters.Length];
        Array.Copy(args, all, args.Length);
        var value = Convert.ToDouble(gradient.Invoke(null, all));
        var outs = parameters.Skip(args.Length)
            .Select(p => new KeyValuePair<string, double>(p.Name!, Convert.ToDouble(all[p.Position])))
            .ToArray();
        return new GradientResult(value, outs);
    }

    private MethodInfo Method(string typeName, string name)
    {
        var methods = Type(typeName).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == name).ToArray();
        return methods.Length == 1
            ? methods[0]
            : throw new Xunit.Sdk.XunitException($"Expected one static method '{typeName}.{name}', found {methods.Length}");
    }

    public void Dispose() => _context.Unload();
}

/// <summary>The value returned by a generated gradient method and its out values in declaration order.</summary>
internal sealed record GradientResult(double Value, IReadOnlyList<KeyValuePair<string, double>> Derivatives)
{
    /// <summary>The out value named <paramref name="name"/>.</summary>
    public double this[string name] =>
        Derivatives.FirstOrDefault(d => d.Key == name) is { Key: not null } hit
            ? hit.Value
            : throw new Xunit.Sdk.XunitException($"No out parameter '{name}'; have [{string.Join(", ", Derivatives.Select(d => d.Key))}]");

    /// <summary>The out values in declaration order.</summary>
    public double[] Values => Derivatives.Select(d => d.Value).ToArray();
}
