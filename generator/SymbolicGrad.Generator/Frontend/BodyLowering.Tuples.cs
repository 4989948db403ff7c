using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Tuple deconstruction of locals: <c>var (a, b) = (x * y, x + y);</c>, <c>(a, b) = (b, a);</c>, nested tuples and
/// discards. As in C#, every element on the right is evaluated first, left to right, and only then are the targets
/// assigned, so a swap reads the old values.
/// </summary>
internal sealed partial class BodyLowering
{
    private void ExecuteDeconstruction(IDeconstructionAssignmentOperation deconstruction, Environment env)
    {
        var values = new List<int>();
        if (!EvaluateElements(deconstruction.Value, values, env)) return;
        var targets = new List<IOperation>();
        CollectTargets(deconstruction.Target, targets);
        if (targets.Count != values.Count)
        {
            // C# checks the arities; a mismatch means the code does not compile.
            Failed = true;
            return;
        }
        for (int i = 0; i < targets.Count; i++)
        {
            ISymbol? symbol = targets[i] switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (targets[i] is IDiscardOperation) continue;
            if (symbol is null)
            {
                Report(DiagnosticCatalogue.WriteOutsideMethod, targets[i].Syntax, targets[i].Syntax.ToString());
                continue;
            }
            var kind = ScalarTypes.KindOf(targets[i].Type) ?? (_tensors is not null ? TensorTypes.ElementKind(targets[i].Type) : null);
            int value = values[i];
            if (kind is { } k && k != _graph.KindOf(value) && k != ScalarKind.Boolean && _graph.KindOf(value) != ScalarKind.Boolean) value = _graph.Convert(value, k);
            Assign(symbol, value, env);
        }
    }

    /// <summary>The elements of a tuple literal, nested ones flattened, in evaluation order; false (reported) for any other value.</summary>
    private bool EvaluateElements(IOperation value, List<int> values, Environment env)
    {
        while (value is IConversionOperation { Operand: var operand } && operand.Type?.IsTupleType == true) value = operand;
        if (value is not ITupleOperation tuple)
        {
            Report(DiagnosticCatalogue.DeconstructionOfValue, value.Syntax, value.Syntax.ToString());
            return false;
        }
        foreach (var element in tuple.Elements)
        {
            if (element.Type?.IsTupleType == true)
            {
                if (!EvaluateElements(element, values, env)) return false;
                continue;
            }
            values.Add(Evaluate(element, env));
        }
        return true;
    }

    private static void CollectTargets(IOperation target, List<IOperation> targets)
    {
        if (target is IDeclarationExpressionOperation declaration) target = declaration.Expression;
        if (target is ITupleOperation tuple)
        {
            foreach (var element in tuple.Elements) CollectTargets(element, targets);
            return;
        }
        targets.Add(target);
    }
}
