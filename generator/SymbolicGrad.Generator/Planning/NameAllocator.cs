using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicGrad.Generator.Planning;

/// <summary>Hands out unique C# identifiers: the first request for a name gets it, later ones get name2, name3, ….</summary>
/// <remarks>
/// Names are compared bare (<see cref="Bare"/>): <c>@event</c> and <c>event</c> are one name, and so are <c>this.W</c>
/// and <c>W</c>. A keyword comes back with its <c>@</c>.
/// </remarks>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _taken = new(System.StringComparer.Ordinal);

    public void Reserve(string name) => _taken.Add(Bare(name));

    public bool IsTaken(string name) => _taken.Contains(Bare(name));

    public string Allocate(string preferred)
    {
        preferred = Bare(preferred);
        if (preferred.Length == 0) preferred = "v";
        string candidate = preferred;
        for (int i = 2; !_taken.Add(candidate); i++) candidate = preferred + i;
        // A name that is a keyword (@class in the user's code) is written with its @.
        return SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None ? "@" + candidate : candidate;
    }

    /// <summary>Upper-cases the first letter: <c>z</c> → <c>Z</c>, for names such as <c>dZ</c> and <c>sinZ</c>.</summary>
    public static string Capitalize(string name)
    {
        name = Bare(name);
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The identifier without its <c>@</c> or a <c>this.</c> qualifier.</summary>
    public static string Bare(string name) => Ir.Identifiers.Bare(name);
}
