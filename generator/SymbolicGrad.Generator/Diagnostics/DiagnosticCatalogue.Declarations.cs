using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Diagnostics;

/// <summary>
/// The declaration rules of a [Differentiable] method and of a [DerivativeOf] rule: SymbolicGrad.Analyzers reports them
/// as you type (it compiles this file and DiagnosticCatalogue.Factory.cs, and tracks these ids in its own AnalyzerReleases files).
/// </summary>
internal static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor TypeNotPartial = Error("SG0001",
        "Containing type must be partial",
        "'{0}' must be declared partial so that SymbolicGrad can add '{1}' to it");

    public static readonly DiagnosticDescriptor NotStatic = Error("SG0014",
        "Method must be static",
        "[Differentiable] method '{0}' must be static, or belong to a class derived from SymbolicGrad.Model to be differentiated with respect to the model's Vec and Mat fields");

    public static readonly DiagnosticDescriptor GenericMethod = Error("SG0015",
        "Generic method",
        "[Differentiable] method '{0}' is generic: make it non-generic (double or float)");

    public static readonly DiagnosticDescriptor NoBody = Error("SG0016",
        "Method has no body",
        "[Differentiable] method '{0}' has no body to differentiate{1}");

    public static readonly DiagnosticDescriptor NameConflict = Error("SG0017",
        "Generated name conflicts",
        "SymbolicGrad cannot generate '{0}': '{1}' already names {2}; rename it");

    public static readonly DiagnosticDescriptor FileLocalType = Error("SG0020",
        "File-local type",
        "'{0}' is file-local, so SymbolicGrad cannot add '{1}' to it from a generated file; remove the 'file' modifier");

    public static readonly DiagnosticDescriptor RuleSignature = Error("SG0050",
        "Derivative rule has the wrong signature",
        "'{0}' does not have the signature of a derivative rule of '{1}': declare it as '{2}'");

    public static readonly DiagnosticDescriptor DuplicateRule = Error("SG0051",
        "Two derivative rules for one function",
        "'{0}' is a second derivative rule of '{1}' ('{2}' is the first): a function has one rule; remove one");

    public static readonly DiagnosticDescriptor RuleTargetNotFound = Error("SG0052",
        "Derivative rule of a function that cannot be found",
        "[DerivativeOf] on '{0}' names '{1}', but '{2}' has no method '{1}': name a static method of that type, with nameof");

    public static readonly DiagnosticDescriptor RuleReplacesBody = Info("SG0053",
        "A derivative rule replaces the derivative of a [Differentiable] body",
        "'{0}' is [Differentiable] and has the derivative rule '{1}': methods that call '{0}' use the rule, not the derivative of its body");
}
