using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Calls of custom layers in code on Vec and Mat: a static function F returning a Vec whose derivative is a pullback
/// rule. The call becomes a <see cref="Op.LayerCall"/> (F's buffer-writing overload, per sample), whose pullback calls the
/// rule; F's Mat arguments are the model's fields or the method's parameters, and its float arguments carry no gradient.
/// </summary>
internal sealed partial class BodyLowering
{
    private int CallCustomLayer(IInvocationOperation invocation, RuleDeclaration rule, Environment env)
    {
        var function = rule.Function!;
        var syntax = invocation.Syntax;
        string call = syntax.ToString();
        var caller = _callStack.Peek().ContainingType;
        if (_graph.CurrentRegion != 0 || _layer is not null)
        {
            return Fail(DiagnosticCatalogue.RuleCallUnsupported, syntax, call, rule.Rule.Name,
                $"the custom layer '{function.Name}' is called inside a loop, where custom layers are not supported yet; call it outside the loop");
        }
        var form = CustomLayerForm.Of(rule);
        if (form.Problem is not null) return Fail(DiagnosticCatalogue.CustomLayerForm, syntax, call, function.Name, form.Problem);
        if (!_compilation.IsSymbolAccessibleWithin(rule.Rule, caller) || !_compilation.IsSymbolAccessibleWithin(function, caller)
            || !_compilation.IsSymbolAccessibleWithin(form.Into!, caller))
        {
            return Fail(DiagnosticCatalogue.RuleCallUnsupported, syntax, call, rule.Rule.Name,
                $"the generated code in '{caller.Name}' cannot call it; make '{rule.Rule.Name}' and both overloads of '{function.Name}' internal or public");
        }

        var operands = new int[function.Parameters.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            var parameter = function.Parameters[k];
            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == k);
            if (argument is null)
            {
                Failed = true; // Reported by the C# compiler.
                return _graph.Zero(ScalarKind.Single);
            }
            int rank = TensorTypes.RankOf(parameter.Type);
            if (rank == 0 && ScalarTypes.KindOf(parameter.Type) is null)
            {
                return Fail(DiagnosticCatalogue.RuleCallUnsupported, syntax, call, rule.Rule.Name,
                    $"its parameter '{parameter.Name}' is a {parameter.Type.ToDisplayString()}; a custom layer takes Vec, Mat, float, double, int and bool values");
            }
            operands[k] = Evaluate(argument.Value, env);
            if (Failed) return _graph.Zero(ScalarKind.Single);
            if (rank == 2 && _graph[operands[k]].Op != Op.Input)
            {
                return Fail(DiagnosticCatalogue.RuleCallUnsupported, syntax, call, rule.Rule.Name,
                    $"its Mat argument '{argument.Value.Syntax}' is computed; pass a Mat field of the model or a Mat parameter");
            }
            if (rank == 0 && IsActive(operands[k]))
            {
                return Fail(DiagnosticCatalogue.RuleCallUnsupported, syntax, call, rule.Rule.Name,
                    $"'{argument.Value.Syntax}' depends on the parameters, but the rule of a custom layer gives no derivative for its {parameter.Type.ToDisplayString()} parameter '{parameter.Name}' (only for Vec and Mat ones); pass a constant or data, or make '{parameter.Name}' a Vec");
            }
        }

        var extentOf = _graph[operands[form.Operand]].Shape!;
        var length = form.Axis switch
        {
            Axis.Rows => extentOf.Rows,
            Axis.Cols => extentOf.Cols,
            _ => extentOf.Length,
        };
        var differentiable = rule.Differentiable;
        if (CalledNames(invocation.TargetMethod, rule.Rule) is not { } names) return FailGenericRule(invocation, rule);
        var target = new CallTarget(names.Function, names.Rule, function.Name, rule.Rule.Name,
            new string(differentiable.Select(d => d ? '1' : '0').ToArray()), string.Join(",", function.Parameters.Select(p => p.Name)));
        if (ForwardForm is { } derived && operands.Where((_, k) => differentiable[k]).Any(IsActive))
        {
            // A pullback gives Jᵀ·v only; the tangent J·t through the call is unknown.
            _ruleDiagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.ForwardThroughPullback, LocationInfo.From(syntax),
                _callStack.Last().Name, derived, function.Name, rule.Rule.Name));
        }
        var node = new Node(Op.LayerCall, ScalarKind.Single, new EquatableArray<int>(operands), Name: target.Encode(), Dim: length);
        return _graph.Rebuild(node with { Shape = OpTable.Of(Op.LayerCall).Shape!(_graph, node) });
    }
}
