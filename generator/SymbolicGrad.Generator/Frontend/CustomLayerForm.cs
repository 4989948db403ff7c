using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// What generated code needs of a custom layer (a function F returning a Vec, with a pullback rule) besides the rule:
/// F's overload <c>static void F(&lt;F's parameters&gt;, Vec result)</c> that writes its value into a buffer, so a training
/// step allocates nothing, and the length of that value, from the rule's <c>[DerivativeOf(…, ResultLength = …)]</c>
/// (a Vec parameter's length, or a Mat parameter's rows or columns) or, when it says none, F's only Vec parameter.
/// </summary>
internal sealed record CustomLayerForm(IMethodSymbol? Into, int Operand, Axis Axis, string? Problem)
{
    private const string ResultLengthArgument = "ResultLength";

    public static CustomLayerForm Of(RuleDeclaration rule)
    {
        var function = rule.Function!;
        var into = function.ContainingType.GetMembers(function.Name).OfType<IMethodSymbol>().FirstOrDefault(m => IsInto(m, function));
        var (operand, axis, lengthProblem) = ResultLength(rule, function);
        if (lengthProblem is not null) return new CustomLayerForm(into, -1, Axis.Length, lengthProblem);
        if (into is null)
        {
            string parameters = string.Join(", ", function.Parameters.Select(Display).Concat(new[] { "Vec result" }));
            string arguments = string.Join(", ", function.Parameters.Select(p => p.Name));
            string length = function.Parameters[operand].Name + "." + axis;
            return new CustomLayerForm(null, operand, axis,
                $"generated code computes '{function.Name}' into a buffer of its own, so that a training step allocates nothing: declare 'static void {function.Name}({parameters})' beside it, overwriting result ({length} elements) with {function.Name}({arguments})");
        }
        return new CustomLayerForm(into, operand, axis, null);
    }

    /// <summary><c>static void F(&lt;F's parameters&gt;, Vec result)</c>.</summary>
    private static bool IsInto(IMethodSymbol candidate, IMethodSymbol function)
    {
        if (!candidate.IsStatic || !candidate.ReturnsVoid || candidate.IsGenericMethod || candidate.Parameters.Length != function.Parameters.Length + 1) return false;
        for (int k = 0; k < function.Parameters.Length; k++)
        {
            var (a, b) = (candidate.Parameters[k], function.Parameters[k]);
            if (a.RefKind != b.RefKind || !SymbolEqualityComparer.Default.Equals(a.Type, b.Type)) return false;
        }
        var result = candidate.Parameters[function.Parameters.Length];
        return result.RefKind == RefKind.None && TensorTypes.RankOf(result.Type) == 1;
    }

    /// <summary>The parameter and extent the result's length is, or a problem spelling out what to write.</summary>
    private static (int Operand, Axis Axis, string? Problem) ResultLength(RuleDeclaration rule, IMethodSymbol function)
    {
        var vectors = function.Parameters.Where(p => TensorTypes.RankOf(p.Type) == 1).ToList();
        var matrices = function.Parameters.Where(p => TensorTypes.RankOf(p.Type) == 2).ToList();
        string example = vectors.Count > 0 ? $"nameof({vectors[0].Name})" : matrices.Count > 0 ? $"nameof({matrices[0].Name}) + \".Rows\"" : "nameof(x)";
        string how = $"[DerivativeOf(nameof({function.Name}), ResultLength = {example})] on '{rule.Rule.Name}'";
        var argument = rule.Attribute.NamedArguments.FirstOrDefault(a => a.Key == ResultLengthArgument);
        if (argument.Key is null || argument.Value.Value is not string text)
        {
            if (vectors.Count == 1) return (vectors[0].Ordinal, Axis.Length, null);
            string why = vectors.Count == 0 ? "has no Vec parameter" : $"has {vectors.Count} Vec parameters";
            return (-1, Axis.Length, $"the length of its result is not known ('{function.Name}' {why}): say which extent it is, e.g. {how}");
        }
        int dot = text.IndexOf('.');
        string name = dot < 0 ? text : text.Substring(0, dot), member = dot < 0 ? "" : text.Substring(dot + 1);
        var parameter = function.Parameters.FirstOrDefault(p => p.Name == name);
        int rank = parameter is null ? 0 : TensorTypes.RankOf(parameter.Type);
        if (rank == 1 && member is "" or "Length") return (parameter!.Ordinal, Axis.Length, null);
        if (rank == 2 && member is "Rows") return (parameter!.Ordinal, Axis.Rows, null);
        if (rank == 2 && member is "Cols") return (parameter!.Ordinal, Axis.Cols, null);
        return (-1, Axis.Length,
            $"ResultLength = \"{text}\" on '{rule.Rule.Name}' is not the length of a Vec parameter of '{function.Name}' (nameof(x)) nor the rows or columns of a Mat parameter (nameof(W) + \".Rows\"), e.g. {how}");
    }

    private static string Display(IParameterSymbol p) =>
        (p.RefKind == RefKind.In ? "in " : "") + p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name;
}
