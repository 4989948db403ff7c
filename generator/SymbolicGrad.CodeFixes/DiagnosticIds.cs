namespace SymbolicGrad.CodeFixes;

/// <summary>The ids the fixes handle (their meaning is in the generator's DiagnosticCatalogue).</summary>
internal static class DiagnosticIds
{
    public const string TypeNotPartial = "SG0001";
    public const string ByRefParameter = "SG0004";
    public const string UnsupportedCall = "SG0010";
    public const string NameConflict = "SG0017";
    public const string FileLocalType = "SG0020";
    public const string RuleSignature = "SG0050";
    public const string ZeroDerivative = "SG0100";
    public const string UnusedParameter = "SG0101";
}
