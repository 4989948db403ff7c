using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicGrad.Generator.Planning;

/// <summary>Hands out unique C# identifiers: the first request for a name gets it, later ones get name2, name3, ….</summary>
/// <remarks>Names are compared without their verbatim <c>@</c>: <c>@event</c> and <c>event</c> are one name.</remarks>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _taken = new(System.StringComparer.Ordinal);

    public void Reserve(string name) => _taken.Add(name.TrimStart('@'));

    public bool IsTaken(string name) => _taken.Contains(name.TrimStart('@'));

    public string Allocate(string preferred)
    {
        preferred = preferred.TrimStart('@');
        // A name that is a keyword (@class in the user's code) is written with its @.
        if (_taken.Add(preferred)) return SyntaxFacts.GetKeywordKind(preferred) != SyntaxKind.None ? "@" + preferred : preferred;
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
