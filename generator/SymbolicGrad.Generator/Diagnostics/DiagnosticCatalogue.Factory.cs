using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Diagnostics;

/// <summary>How a descriptor of the catalogue is made (the analyzer compiles this file with the declaration rules).</summary>
internal static partial class DiagnosticCatalogue
{
    private const string Category = "SymbolicGrad";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    private static DiagnosticDescriptor Info(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Info, isEnabledByDefault: true);
}
