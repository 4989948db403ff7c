using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicGrad.Generator.Emit;

/// <summary>Hands out unique C# identifiers: the first request for a name gets it, later ones get name2, name3, ….</summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _taken = new();

    public void Reserve(string name) => _taken.Add(name);

    public bool IsTaken(string name) => _taken.Contains(name);

    public string Allocate(string preferred)
    {
        // A local named after a keyword (@class in the user's code) keeps its @.
        if (SyntaxFacts.GetKeywordKind(preferred) != SyntaxKind.None) preferred = "@" + preferred;
        if (_taken.Add(preferred)) return preferred;
        for (int i = 2; ; i++)
        {
            string candidate = preferred + i;
            if (_taken.Add(candidate)) return candidate;
        }
    }

    /// <summary>Upper-cases the first letter: <c>z</c> → <c>Z</c>, for names such as <c>dZ</c> and <c>sinZ</c>.</summary>
    public static string Capitalize(string name)
    {
        name = name.TrimStart('@');
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }
}
