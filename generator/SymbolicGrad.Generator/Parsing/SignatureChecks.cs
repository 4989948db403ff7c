using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Parsing;

/// <summary>Checks of the declaration (not the body) of a [Differentiable] method.</summary>
internal static class SignatureChecks
{
    private const string NoDiffAttribute = "SymbolicGrad.NoDiffAttribute";

    /// <summary>The enclosing types, outermost first; each must be partial.</summary>
    public static EquatableArray<ContainingType> ContainingTypes(IMethodSymbol method, string generatedName, List<DiagnosticInfo> diagnostics)
    {
        var types = new List<ContainingType>();
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            if (type.IsFileLocal)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.FileLocalType,
                    LocationInfo.From(declarations.FirstOrDefault()?.Identifier ?? default), type.Name, generatedName));
            }
            var notPartial = declarations.FirstOrDefault(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (notPartial is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.TypeNotPartial, LocationInfo.From(notPartial.Identifier),
                    type.Name, generatedName));
            }
            var first = declarations.FirstOrDefault();
            string keyword = first switch
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

    public static void CheckMethod(IMethodSymbol method, MethodDeclarationSyntax declaration, string generatedName, List<DiagnosticInfo> diagnostics)
    {
        var at = LocationInfo.From(declaration.Identifier);
        if (!method.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NotStatic, at, method.Name));
        }
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.GenericMethod, at, method.Name));
        }
        if (declaration.Body is null && declaration.ExpressionBody is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NoBody, at, method.Name));
        }
        // Inherited members count too: the generated method would hide them (CS0108).
        ReportTakenName(method, generatedName, at, diagnostics);
    }

    /// <summary>
    /// SG0017 when a member of the type or a base type already has <paramref name="generated"/>, a name the contract
    /// fixes: at that member when it is in source, else at the method.
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

    public static void CheckNetworkMethod(IMethodSymbol method, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        var at = LocationInfo.From(declaration.Identifier);
        var shape = method.IsStatic ? MethodShape.TensorFunction : MethodShape.ModelMethod;
        if (method.IsGenericMethod) diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.GenericMethod, at, method.Name));
        if (declaration.Body is null && declaration.ExpressionBody is null) diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NoBody, at, method.Name));
        if (method.ReturnType.SpecialType != SpecialType.System_Single)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedReturnType, LocationInfo.From(declaration.ReturnType),
                method.Name, method.ReturnType.ToDisplayString(), Advice.ReturnType(shape)));
        }
        var generatedNames = GeneratedMembers.Public(method.Name, network: true, method.IsStatic).ToList();
        foreach (string generated in generatedNames) ReportTakenName(method, generated, at, diagnostics);
        // An earlier [Differentiable] overload generates the same workspace type and batched methods.
        var earlier = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .TakeWhile(m => !SymbolEqualityComparer.Default.Equals(m, method))
            .FirstOrDefault(m => ScopeNames.IsDifferentiable(m) && (!m.IsStatic || m.Parameters.Any(p => TensorTypes.RankOf(p.Type) > 0)));
        if (earlier is not null)
        {
            string workspace = method.Name + "Workspace";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, at, workspace, workspace,
                $"the workspace of the [Differentiable] overload '{earlier.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'"));
        }
    }

    /// <summary>
    /// The inputs of a model method: data, one value per sample (a Vec row, an int label, a float target).
    /// In the batch form each becomes a batch (a Mat with a row per sample, a span of labels or targets).
    /// </summary>
    public static List<ParameterInfo> NetworkParameters(IMethodSymbol method, GraphBuilder graph, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<ParameterInfo>();
        foreach (var parameter in method.Parameters)
        {
            if (!PassedByValue(parameter, diagnostics, out var syntax, out var location)) continue;
            string name = CSharpName(parameter.Name);
            int rank = TensorTypes.RankOf(parameter.Type);
            var kind = rank == 1 ? ScalarKind.Single : ScalarTypes.KindOf(parameter.Type);
            if (rank == 2 || kind is null or ScalarKind.Double)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedParameterType, LocationInfo.From(syntax?.Type) ?? location,
                    parameter.Name, parameter.Type.ToDisplayString(), Advice.ParameterType(MethodShape.ModelMethod)));
                continue;
            }
            var shape = rank == 1 ? new Shape(1, true, name + ".Cols") : Shape.BatchedScalar;
            result.Add(new ParameterInfo(name, kind.Value, false, "", graph.Input(name, kind.Value, shape), location));
        }
        return result;
    }

    /// <summary>
    /// The parameters of a static function of vectors and matrices: each Vec/Mat without [NoDiff] gets a gradient
    /// buffer (<c>dX</c>) in the generated signature; float, int and bool parameters are data.
    /// </summary>
    public static List<ParameterInfo> TensorFunctionParameters(IMethodSymbol method, GraphBuilder graph, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<ParameterInfo>();
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name));
        foreach (var parameter in method.Parameters)
        {
            if (!PassedByValue(parameter, diagnostics, out var syntax, out var location)) continue;
            string name = CSharpName(parameter.Name);
            int rank = TensorTypes.RankOf(parameter.Type);
            var kind = rank > 0 ? ScalarKind.Single : ScalarTypes.KindOf(parameter.Type);
            if (kind is null or ScalarKind.Double)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedParameterType, LocationInfo.From(syntax?.Type) ?? location,
                    parameter.Name, parameter.Type.ToDisplayString(), Advice.ParameterType(MethodShape.TensorFunction)));
                continue;
            }
            bool noDiff = parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDiffAttribute);
            bool differentiable = rank > 0 && !noDiff;
            string gradientName = GradientName(parameter.Name);
            if (differentiable && !names.Add(gradientName))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, location, gradientName, gradientName, "another parameter"));
            }
            var shape = rank > 0 ? new Shape(rank, false, name + ".Length") : null;
            result.Add(new ParameterInfo(name, kind.Value, differentiable, gradientName, graph.Input(name, kind.Value, shape), location,
                IsField: differentiable));
        }
        return result;
    }

    /// <summary>Checks each parameter and creates its input node.</summary>
    public static List<ParameterInfo> Parameters(IMethodSymbol method, GraphBuilder graph, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<ParameterInfo>();
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name));
        foreach (var parameter in method.Parameters)
        {
            var syntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as ParameterSyntax;
            var location = LocationInfo.From(syntax);
            if (parameter.RefKind != RefKind.None)
            {
                var modifier = syntax?.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword));
                string text = modifier is { } token && token != default ? token.Text : parameter.RefKind.ToString().ToLowerInvariant();
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.ByRefParameter,
                    modifier is { } m && m != default ? LocationInfo.From(m) : location, parameter.Name, text));
            }
            var kind = ScalarTypes.KindOf(parameter.Type);
            if (kind is null)
            {
                var typeLocation = LocationInfo.From(syntax?.Type) ?? location;
                diagnostics.Add(parameter.Type.TypeKind == TypeKind.Dynamic
                    ? DiagnosticInfo.Create(DiagnosticCatalogue.Dynamic, typeLocation, parameter.Name)
                    : DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedParameterType, typeLocation, parameter.Name, parameter.Type.ToDisplayString(),
                        Advice.ParameterType(MethodShape.ScalarFunction)));
                continue;
            }

            bool noDiff = parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDiffAttribute);
            bool differentiable = kind.Value.IsReal() && !noDiff;
            string gradientName = GradientName(parameter.Name);
            if (differentiable && !names.Add(gradientName))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, location,
                    $"out {gradientName}", gradientName, "another parameter"));
            }
            string csharpName = CSharpName(parameter.Name);
            result.Add(new ParameterInfo(csharpName, kind.Value, differentiable, gradientName, graph.Input(csharpName, kind.Value), location));
        }
        return result;
    }

    /// <summary><c>d</c> + the name with its first letter upper-cased (<c>phi0</c> → <c>dPhi0</c>).</summary>
    public static string GradientName(string name) => "d" + char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>The name as C# must write it (<c>@class</c>).</summary>
    public static string CSharpName(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>Reports a ref/out/in parameter of a tensor method (its parameters are passed by value).</summary>
    private static bool PassedByValue(IParameterSymbol parameter, List<DiagnosticInfo> diagnostics, out ParameterSyntax? syntax, out LocationInfo? location)
    {
        syntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as ParameterSyntax;
        location = LocationInfo.From(syntax);
        if (parameter.RefKind == RefKind.None) return true;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.ByRefParameter, location, parameter.Name, parameter.RefKind.ToString().ToLowerInvariant()));
        return false;
    }

    public static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
