namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>Questions asked of generated text.</summary>
internal static class GeneratedText
{
    /// <summary>How often <paramref name="part"/> occurs in <paramref name="text"/> (without overlaps).</summary>
    public static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
