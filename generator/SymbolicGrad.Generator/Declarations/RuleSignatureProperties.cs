namespace SymbolicGrad.Generator.Declarations;

/// <summary>
/// The properties of an SG0050 diagnostic that carry the signature the rule must have, with fully qualified types, for
/// the code fix that rewrites it (SymbolicGrad.CodeFixes links this file, so both sides use one set of names).
/// </summary>
internal static class RuleSignatureProperties
{
    /// <summary>The return type: the function's for a function of values, <c>void</c> for a pullback.</summary>
    public const string ReturnType = "ExpectedReturnType";

    /// <summary>The parameter list, without its parentheses.</summary>
    public const string Parameters = "ExpectedParameters";
}
