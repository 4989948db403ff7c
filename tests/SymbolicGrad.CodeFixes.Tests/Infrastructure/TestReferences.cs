using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SymbolicGrad.CodeFixes.Tests.Infrastructure;

/// <summary>
/// References as the generator tests build them: this process's framework assemblies and the SymbolicGrad runtime
/// (the test framework's package-based reference assemblies would be downloaded, which this machine cannot do).
/// </summary>
internal static class TestReferences
{
    /// <summary>No package to resolve: every reference comes from <see cref="All"/>.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAll = new(() =>
    {
        var runtime = typeof(DifferentiableAttribute).Assembly.Location;
        var runtimeName = Path.GetFileName(runtime);
        return ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !string.Equals(Path.GetFileName(p), runtimeName, StringComparison.OrdinalIgnoreCase))
            .Append(runtime)
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> All => LazyAll.Value;
}
