using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Calculus;

/// <summary>
/// The differentiate stage: reverse-mode accumulation on the DAG. Walking the forward nodes from the output
/// back to the inputs, each active node's adjoint is the sum of the contributions its users sent it, and it
/// sends its own operands the contributions of <see cref="DerivativeRules"/>. The adjoints are new DAG nodes,
/// hash-consed with the forward ones, so the backward pass reuses every forward value it can.
/// </summary>
internal static class ReverseMode
{
    public static DifferentiationResult Differentiate(ParseResult parse)
    {
        if (parse.Method is not { } method) return new DifferentiationResult(null, parse.Diagnostics);
        try
        {
            return Differentiate(method, parse.Diagnostics);
        }
        catch (System.Exception exception)
        {
            // The generator never throws: a bug here becomes a diagnostic on the method.
            var error = DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, method.Location, method.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new DifferentiationResult(null, parse.Diagnostics.Append(error).ToEquatableArray());
        }
    }

    private static DifferentiationResult Differentiate(MethodModel method, EquatableArray<DiagnosticInfo> earlier)
    {
        var builder = new GraphBuilder(method.Graph) { BuildingDerivatives = true };
        int firstBackward = builder.Count;
        var activity = Activity.Analyse(method);
        var diagnostics = earlier.ToList();
        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiable && !activity.IsUseful(p.Input)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnusedParameter, parameter.Location, method.Name, parameter.Name.TrimStart('@')));
        }

        var contributions = new Dictionary<int, List<int>>();
        var adjoints = new Dictionary<int, int>();
        var named = new List<AdjointOf>();
        if (activity.IsActive(method.Output))
        {
            contributions[method.Output] = new List<int> { builder.One(builder.KindOf(method.Output)) };
        }

        for (int id = method.Output; id >= 0; id--)
        {
            if (!activity.IsActive(id) || !contributions.TryGetValue(id, out var parts)) continue;
            int adjoint = parts.Skip(1).Aggregate(parts[0], builder.Add);
            adjoints[id] = adjoint;
            named.Add(new AdjointOf(adjoint, id));

            var node = builder[id];
            for (int operand = 0; operand < node.Arity; operand++)
            {
                int argument = node[operand];
                if (!activity.IsActive(argument)) continue;
                int? contribution = DerivativeRules.Pullback(builder, id, operand, adjoint);
                if (contribution is not int c || builder[c].IsConstantValue(0)) continue;
                if (!contributions.TryGetValue(argument, out var list)) contributions[argument] = list = new List<int>();
                list.Add(c);
            }
        }

        var gradients = method.Parameters
            .Where(p => p.IsDifferentiable)
            .Select(p => adjoints.TryGetValue(p.Input, out int g) ? g : builder.Zero(p.Kind))
            .ToEquatableArray();
        var model = new GradientModel(method, builder.ToDag(), firstBackward, gradients, named.ToEquatableArray());
        return new DifferentiationResult(model, diagnostics.ToEquatableArray());
    }
}
