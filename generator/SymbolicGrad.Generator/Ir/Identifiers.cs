namespace SymbolicGrad.Generator.Ir;

/// <summary>C# identifiers as the math notation and name allocation see them.</summary>
internal static class Identifiers
{
    /// <summary>The identifier without its <c>@</c> or a <c>this.</c> qualifier (<c>this.W</c> → <c>W</c>, <c>@class</c> → <c>class</c>).</summary>
    public static string Bare(string name)
    {
        if (name.StartsWith("this.", System.StringComparison.Ordinal)) name = name.Substring("this.".Length);
        return name.TrimStart('@');
    }
}
