using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>The return type of a [Differentiable] method, and the facts of its declaration the generated file repeats.</summary>
internal static class DeclarationChecks
{
    /// <summary>The enclosing types, outermost first, as the generated partial declarations repeat them.</summary>
    public static EquatableArray<ContainingType> ContainingTypes(IMethodSymbol method)
    {
        var types = new List<ContainingType>();
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            string keyword = declarations.FirstOrDefault() switch
            {
                RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };
            string name = type.Arity == 0 ? type.Name : type.Name + "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
            types.Insert(0, new ContainingType(keyword, name));
        }
        return types.ToEquatableArray();
    }

    /// <summary>
    /// The return type (SG0002). The other rules of the declaration are <see cref="Declarations.DeclarationRules"/>, which
    /// the analyzer reports.
    /// </summary>
    public static void CheckReturnType(MethodKind kind, IMethodSymbol method, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        bool returnsReal = ScalarTypes.KindOf(method.ReturnType) is Ir.ScalarKind.Double or Ir.ScalarKind.Single;
        bool returnsFloat = method.ReturnType.SpecialType == SpecialType.System_Single;
        if (kind == MethodKind.ScalarFunction ? !returnsReal : !returnsFloat)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedReturnType, LocationInfo.From(declaration.ReturnType),
                method.Name, method.ReturnType.ToDisplayString(), Advice.ReturnType(kind)));
        }
    }

    /// <summary>
    /// SG0017 when <c>NameGraph</c> is taken: by a member of the type or a base type, or by an earlier overload that also
    /// asks for its graph.
    /// </summary>
    public static void CheckGraphName(IMethodSymbol method, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        var at = LocationInfo.From(declaration.Identifier);
        string graph = GeneratedMembers.Graph(method.Name);
        ReportTakenName(method, graph, at, diagnostics);
        var earlier = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .TakeWhile(m => !SymbolEqualityComparer.Default.Equals(m, method))
            .FirstOrDefault(m => ScopeNames.IsDifferentiable(m) && !LayerHelper.Is(m) && AttributeOptions.Graph(m));
        if (earlier is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, at, graph, graph,
                $"the graph of the [Differentiable(Graph = true)] overload '{earlier.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'"));
        }
    }

    /// <summary>
    /// SG0017 when a member of the type or a base type already has <paramref name="generated"/>, a name the contract
    /// fixes (inherited members count too: the generated member would hide them, CS0108): at that member when it is in
    /// source, else at the method.
    /// </summary>
    private static void ReportTakenName(IMethodSymbol method, string generated, LocationInfo? methodLocation, List<DiagnosticInfo> diagnostics)
    {
        for (var type = method.ContainingType; type is not null; type = type.BaseType)
        {
            var member = type.GetMembers(generated).FirstOrDefault();
            if (member is null) continue;
            var at = member.Locations.FirstOrDefault(l => l.IsInSource) is { } source ? LocationInfo.From(source) : methodLocation;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, at, generated, generated, $"a member of '{type.Name}'"));
            return;
        }
    }

    /// <summary>
    /// <c>Namespace.Outer.Type.Method.g.cs</c>; overloads add their parameter types. Hint names must differ ignoring
    /// case, so a name that differs from a sibling's only in case (<c>Poly</c> and <c>poly</c>) gets a mark of its capitals.
    /// </summary>
    public static string HintName(IMethodSymbol method)
    {
        var parts = new List<string>();
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            var siblings = (type.ContainingType?.GetTypeMembers() ?? type.ContainingNamespace.GetTypeMembers()).Select(t => t.Name);
            string name = CaseSafe(type.Name, siblings);
            parts.Insert(0, type.Arity > 0 ? name + "_" + type.Arity : name);
        }
        for (var ns = method.ContainingNamespace; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
        {
            parts.Insert(0, CaseSafe(ns.Name, ns.ContainingNamespace.GetNamespaceMembers().Select(n => n.Name)));
        }
        string methodName = CaseSafe(method.Name, method.ContainingType.GetMembers().OfType<IMethodSymbol>().Select(m => m.Name));
        if (method.ContainingType.GetMembers(method.Name).Length > 1)
        {
            methodName += "_" + string.Join("_", method.Parameters.Select(p => TypeHint(p.Type)));
        }
        parts.Add(methodName);
        return string.Join(".", parts) + ".g.cs";
    }

    /// <summary>A parameter type in an overload's hint name: <c>Double</c>, <c>DoubleArray</c>, <c>ReadOnlySpan_Single</c>.</summary>
    private static string TypeHint(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => TypeHint(array.ElementType) + "Array" + (array.Rank > 1 ? array.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""),
        INamedTypeSymbol { IsGenericType: true } generic => generic.Name + "_" + string.Join("_", generic.TypeArguments.Select(TypeHint)),
        _ => type.Name,
    };

    /// <summary><paramref name="name"/>, with a mark of its capitals when a sibling's name differs from it only in case.</summary>
    private static string CaseSafe(string name, IEnumerable<string> siblings)
    {
        if (!siblings.Any(s => s != name && string.Equals(s, name, System.StringComparison.OrdinalIgnoreCase))) return name;
        ulong capitals = 0;
        for (int i = 0; i < name.Length && i < 64; i++)
        {
            if (char.IsUpper(name[i])) capitals |= 1UL << i;
        }
        return name + "_" + capitals.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The method as a <c>cref</c>: <c>Loss(global::SymbolicGrad.Vec, int)</c>.</summary>
    public static string DocumentationId(MethodKind kind, IMethodSymbol method) =>
        method.Name + "(" + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))) + ")";

    public static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary>Whether a parameter of this name would hide a type the generated bodies name (Math, MathF, System, Lanes).</summary>
    public static bool HidesMath(string name) => name is "Math" or "MathF" or "System" or "Lanes";

    /// <summary>
    /// Whether <c>Math</c>, <c>MathF</c>, <c>System</c> or <c>Lanes</c> could bind to something else than ours in the
    /// generated file (a parameter, a member, a nested type, or a type or namespace of that name in an enclosing namespace); then the
    /// generated code writes full names (<c>global::System.Math</c>, <c>global::SymbolicGrad.CompilerServices.Lanes</c>).
    /// </summary>
    public static bool MathIsShadowed(IMethodSymbol method)
    {
        static bool Declares(INamespaceOrTypeSymbol scope, string name) => !scope.GetMembers(name).IsEmpty;

        // A parameter keeps its name in the generated signatures, and would hide the type in the generated bodies.
        if (method.Parameters.Any(p => HidesMath(p.Name))) return true;

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (Declares(t, "Math") || Declares(t, "MathF") || Declares(t, "System") || Declares(t, "Lanes")) return true;
            }
        }
        for (var ns = method.ContainingNamespace; ns is not null; ns = ns.ContainingNamespace)
        {
            if (Declares(ns, "Math") || Declares(ns, "MathF") || Declares(ns, "Lanes")) return true;
            if (!ns.IsGlobalNamespace && Declares(ns, "System")) return true;
        }
        return false;
    }
}
