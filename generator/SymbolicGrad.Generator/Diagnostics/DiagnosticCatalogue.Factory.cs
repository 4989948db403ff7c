using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Diagnostics;

/// <summary>How a descriptor of the catalogue is made (the analyzer compiles this file with the declaration rules).</summary>
internal static partial class DiagnosticCatalogue
{
    private const string Category = "SymbolicGrad";

    /// <summary>
    /// Where the diagnostics' pages are published (the repository's docs/diagnostics folder): a descriptor's help link
    /// is this + its id + ".md", so every id, whoever adds it, links to its page.
    /// </summary>
    public const string HelpLinkBase = "https://github.com/SymbolicGrad/SymbolicGrad/blob/main/docs/diagnostics/";

    /// <summary>The page of diagnostic <paramref name="id"/>.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    private static DiagnosticDescriptor Error(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Info(string id, string title, string message) => Create(id, title, message, DiagnosticSeverity.Info);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
