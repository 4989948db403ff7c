using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Diagnostics;

namespace SymbolicGrad.Generator.Pipeline;

/// <summary>A diagnostic as plain, equatable data; turned into a Roslyn <see cref="Diagnostic"/> only when reported.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, new EquatableArray<string>(arguments));

    public bool IsError => DiagnosticCatalogue.Find(Id).DefaultSeverity == DiagnosticSeverity.Error;

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(DiagnosticCatalogue.Find(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None,
            Arguments.Cast<object>().ToArray());
}
