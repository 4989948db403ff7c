using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// What <c>[Differentiable(Jvp = true, Hessian = true)]</c> asks for besides the gradient, checked against the method:
/// scalar functions, Jvp and Hvp on functions of Vec and Mat values, Jvp on model methods (otherwise SG0055), and no generated member or parameter name already taken (SG0017).
/// </summary>
internal static class DerivativeForms
{
    /// <summary>The forms asked for and allowed; problems are reported and turn the form off.</summary>
    public static (bool Jvp, bool Hessian) Check(MethodKind kind, IMethodSymbol method, DifferentiableMark mark,
        IReadOnlyList<ParameterInfo> parameters, List<DiagnosticInfo> diagnostics)
    {
        bool jvp = mark.Jvp, hessian = mark.Hessian;
        if (!jvp && !hessian) return (false, false);
        if (kind != MethodKind.ScalarFunction)
        {
            // Forward mode on a function of Vec and Mat values or a model method; H·t of the former only.
            string what = "a model method";
            var refused = new[] { "Jvp", "Hessian" }.Where(f => (f == "Jvp" ? jvp : hessian) && f != "Jvp" && kind == MethodKind.ModelMethod).ToList();
            foreach (string flag in refused)
            {
                // Only where it is refused does the attribute's syntax matter: bind it then.
                var attribute = method.GetAttributes().FirstOrDefault(a => DifferentiableMark.IsDifferentiable(a.AttributeClass));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.DerivedFormKind, ArgumentLocation(attribute, flag), method.Name, flag, what));
            }
            if (refused.Contains("Jvp")) jvp = false;
            if (refused.Contains("Hessian")) hessian = false;
            if (!jvp && !hessian) return (false, false);
        }

        var differentiable = parameters.Where(p => p.IsDifferentiable).ToList();
        var members = new List<string>();
        var generatedParameters = new List<(string Name, string What)>();
        if (jvp)
        {
            members.Add(method.Name + "Jvp");
            if (kind != MethodKind.ScalarFunction) members.Add(method.Name + "JvpWorkspace");
            generatedParameters.Add(("tangent", $"the out parameter of {method.Name}Jvp"));
            if (kind == MethodKind.ModelMethod)
            {
                members.Add(method.Name + "JvpOfOneRow");
                generatedParameters.Add(("direction", $"a parameter of {method.Name}Jvp"));
            }
        }
        if (hessian)
        {
            members.Add(method.Name + "Hvp");
            if (kind == MethodKind.TensorFunction) members.Add(method.Name + "HvpWorkspace");
            else if (differentiable.All(p => !p.IsArray))
            {
                members.Add(method.Name + "Hessian");
                generatedParameters.Add(("gradient", $"a parameter of {method.Name}Hessian"));
                generatedParameters.Add(("hessian", $"a parameter of {method.Name}Hessian"));
            }
            generatedParameters.AddRange(differentiable.Select(p => (Transforms.DerivedMethods.HvName(p.Name), $"the H·t part of '{p.Name.TrimStart('@')}'")));
        }
        // A model method's weights are fields: their tangents come in through the direction, not as parameters.
        if (kind != MethodKind.ModelMethod)
        {
            generatedParameters.AddRange(differentiable.Select(p => (Transforms.DerivedMethods.TangentName(p.Name), $"the tangent of '{p.Name.TrimStart('@')}'")));
        }

        int before = diagnostics.Count;
        var at = LocationInfo.From(method.Locations.FirstOrDefault() ?? Location.None);
        foreach (string member in members)
        {
            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                if (!type.GetMembers(member).Any()) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, at, member, member, $"a member of '{type.Name}'"));
                break;
            }
        }
        foreach (var parameter in parameters)
        {
            foreach (var (name, what) in generatedParameters.Where(g => g.Name == parameter.Name.TrimStart('@')))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NameConflict, parameter.Location, $"{what} ({name})", name, "a parameter"));
            }
        }
        bool clean = diagnostics.Count == before;
        return (jvp && clean, hessian && clean);
    }

    /// <summary>The <c>Jvp = true</c> of the attribute, or the attribute.</summary>
    private static LocationInfo? ArgumentLocation(AttributeData? attribute, string name)
    {
        if (attribute?.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax) return null;
        var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return LocationInfo.From(argument is null ? syntax : argument);
    }
}
