using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Emit;

/// <summary>
/// Hands out unique C# identifiers: the first request for a name gets it, later ones get name2, name3, ….
/// Names compare without their <c>@</c> (<c>@class</c> and <c>class</c> are one identifier); a keyword comes back
/// with its <c>@</c>.
/// </summary>
internal sealed class NameAllocator
{
    /// <summary>Types generated code names by their simple name (unless the method's file writes them in full).</summary>
    private static readonly string[] TypesUsedBySimpleName = { "Math", "MathF", "System", "Lanes" };

    private readonly HashSet<string> _taken = new();

    /// <summary>
    /// An allocator for the code generated for <paramref name="method"/>, with every name in scope already taken:
    /// the members of its type and base types, the enclosing types, the members other methods generate, its own
    /// public generated members, its parameters and the <c>out</c> or buffer parameters of their gradients, and the
    /// types the generated code names (<c>Math</c>, <c>Lanes</c> …). Nothing it hands out can shadow or clash with them.
    /// </summary>
    public static NameAllocator ForMethod(MethodModel method)
    {
        var names = new NameAllocator();
        foreach (string name in method.NamesInScope) names.Reserve(name);
        foreach (string name in TypesUsedBySimpleName) names.Reserve(name);
        foreach (string name in GeneratedMembers.Public(method.Name, method.IsNetwork, method.IsStatic)) names.Reserve(name);
        bool model = method.IsNetwork && !method.IsStatic;
        // Model.Parameters, read by the backward pass.
        if (model) names.Reserve("Parameters");
        foreach (var parameter in method.Parameters)
        {
            // A model's fields are among the names in scope; their gradients are locals, allocated by the emitter.
            if (model && parameter.IsField) continue;
            names.Reserve(parameter.Name);
            if (parameter.IsDifferentiable) names.Reserve(parameter.GradientName);
        }
        return names;
    }

    public void Reserve(string name) => _taken.Add(Bare(name));

    public bool IsTaken(string name) => _taken.Contains(Bare(name));

    public string Allocate(string preferred)
    {
        preferred = Bare(preferred);
        if (preferred.Length == 0) preferred = "v";
        string candidate = preferred;
        for (int i = 2; !_taken.Add(candidate); i++) candidate = preferred + i;
        // A local named after a keyword (@class in the user's code) keeps its @.
        return SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None ? "@" + candidate : candidate;
    }

    /// <summary>Upper-cases the first letter: <c>z</c> → <c>Z</c>, for names such as <c>dZ</c> and <c>sinZ</c>.</summary>
    public static string Capitalize(string name)
    {
        name = Bare(name);
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The identifier without its <c>@</c> or a <c>this.</c> qualifier.</summary>
    public static string Bare(string name)
    {
        if (name.StartsWith("this.", System.StringComparison.Ordinal)) name = name.Substring("this.".Length);
        return name.TrimStart('@');
    }
}
