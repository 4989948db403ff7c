using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// What <c>[Differentiable(Jvp = true, Hessian = true)]</c> asks for besides the gradient, checked against the method:
/// scalar functions, Jvp and Hvp on functions of Vec and Mat values and on model methods (what their bodies rule out is
/// SG0055, found once the method is differentiated), and no generated member or parameter name already taken (SG0017).
/// </summary>
internal static class DerivativeForms
{
    /// <summary>The forms asked for and allowed; problems are reported and turn the form off.</summary>
    public static (bool Jvp, bool Hessian) Check(MethodKind kind, IMethodSymbol method, DifferentiableMark mark,
        IReadOnlyList<DeclaredParameter> parameters, List<DiagnosticInfo> diagnostics)
    {
        bool jvp = mark.Jvp, hessian = mark.Hessian;
        if (!jvp && !hessian) return (false, false);
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
            else if (kind == MethodKind.ModelMethod)
            {
                // Over the flat parameter layout: the direction in, the gradient and H·v added into buffers.
                members.Add(method.Name + "HvpWorkspace");
                members.Add(method.Name + "HvpOfOneRow");
                foreach (string name in Transforms.SecondOrder.ModelHvpParameters)
                {
                    generatedParameters.Add((name, $"a parameter of {method.Name}Hvp"));
                }
            }
            else if (differentiable.All(p => !p.IsArray))
            {
                members.Add(method.Name + "Hessian");
                generatedParameters.Add(("gradient", $"a parameter of {method.Name}Hessian"));
                generatedParameters.Add(("hessian", $"a parameter of {method.Name}Hessian"));
            }
            if (kind != MethodKind.ModelMethod)
            {
                generatedParameters.AddRange(differentiable.Select(p => (Transforms.DerivedMethods.HvName(p.Name), $"the H·t part of '{p.Name.TrimStart('@')}'")));
            }
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

    /// <summary>
    /// The parameters a model method's Jvp and Hvp add (direction, tangent, gradient, hv): a field of one of these
    /// names is hidden there, so the lowering reads it as <c>this.name</c>.
    /// </summary>
    public static IEnumerable<string> AddedModelParameters(MethodKind kind, (bool Jvp, bool Hessian) forms)
    {
        if (kind != MethodKind.ModelMethod) yield break;
        if (forms.Jvp)
        {
            yield return Transforms.ForwardMode.TangentOutput;
            yield return Transforms.ForwardMode.Direction;
        }
        if (!forms.Hessian) yield break;
        foreach (string name in Transforms.SecondOrder.ModelHvpParameters) yield return name;
    }
}
