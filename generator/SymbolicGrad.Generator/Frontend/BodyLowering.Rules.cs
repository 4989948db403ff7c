using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Calls of functions with a <c>[DerivativeOf]</c> rule: the call becomes an opaque <see cref="Op.Call"/> (its value
/// computed by the function itself), whose derivatives are the rule's outs; in code on Vec and Mat, a
/// <see cref="Op.ValueCall"/> per sample. The rule wins over a [Differentiable] body.
/// </summary>
internal sealed partial class BodyLowering
{
    private readonly List<DiagnosticInfo> _ruleDiagnostics = new();

    /// <summary>The method asks for second derivatives, which a rule (first order) cannot give.</summary>
    public bool SecondOrder { get; set; }

    /// <summary>Which derived form asks for forward derivatives (<c>Jvp</c>, <c>Hessian</c>), which a pullback rule cannot give; null: none.</summary>
    public string? ForwardForm { get; set; }

    /// <summary>Problems of rule calls that belong to the method itself, even inside a callee it inlines (SG0054, SG0058).</summary>
    public IReadOnlyList<DiagnosticInfo> RuleDiagnostics => _ruleDiagnostics;

    /// <summary>
    /// The call's node when the callee has a derivative rule; false when it has none. A rule whose signature does not
    /// fit (SG0050, reported at the rule by the analyzer) is not used: the call is SG0056, unless the callee is
    /// [Differentiable] and is inlined as it would be without the rule.
    /// </summary>
    private bool TryCallWithRule(IInvocationOperation invocation, ScalarKind kind, Environment env, out int node)
    {
        node = -1;
        var callee = invocation.TargetMethod;
        var rules = DerivativeRules.Of(_compilation);
        if (rules.Find(callee) is { } rule)
        {
            node = CallWithRule(invocation, rule, kind, env);
            return true;
        }
        if (rules.FindMismatched(callee) is { } mismatched && !DeclarationRules.IsDifferentiable(callee))
        {
            node = Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, invocation.Syntax.ToString(), mismatched.Rule.Name,
                $"its signature is not the one a rule of '{callee.Name}' needs; declare it as '{mismatched.Expected}' (SG0050)");
            return true;
        }
        return false;
    }

    private int CallWithRule(IInvocationOperation invocation, RuleDeclaration rule, ScalarKind kind, Environment env)
    {
        var function = rule.Function!;
        string call = invocation.Syntax.ToString();
        var caller = _callStack.Peek().ContainingType;
        if (rule.Shape == RuleShape.Layer)
        {
            if (_tensors is not null) return CallCustomLayer(invocation, rule, env);
            return Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, call, rule.Rule.Name,
                $"'{function.Name}' returns a Vec, and custom layers are called from model methods and functions of Vec and Mat only");
        }
        if (_tensors is not null && (_graph.CurrentRegion != 0 || _layer is not null))
        {
            return Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, call, rule.Rule.Name,
                $"'{function.Name}' is called inside a loop over layers, where rules are not supported yet; call it outside the loop");
        }
        if (!_compilation.IsSymbolAccessibleWithin(rule.Rule, caller) || !_compilation.IsSymbolAccessibleWithin(function, caller))
        {
            return Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, call, rule.Rule.Name,
                $"the generated code in '{caller.Name}' cannot call it; make '{rule.Rule.Name}' and '{function.Name}' internal or public");
        }

        var differentiable = rule.Differentiable;
        var operands = new int[function.Parameters.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == k);
            if (argument is null)
            {
                Failed = true; // Reported by the C# compiler.
                return _graph.Zero(kind);
            }
            bool arrayDerivative = differentiable[k] && ArrayTypes.IsArray(function.Parameters[k].Type);
            if (arrayDerivative && _tensors is not null)
            {
                return Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, call, rule.Rule.Name,
                    $"its derivative with respect to the array '{function.Parameters[k].Name}' (a Span added into) is used in scalar functions only; mark that parameter of '{function.Name}' [NoDiff] if it is data");
            }
            operands[k] = Evaluate(argument.Value, env);
            if (arrayDerivative && !Failed && _graph[operands[k]] is not { Op: Op.Input, Shape: not null })
            {
                return Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, call, rule.Rule.Name,
                    $"its argument for the array '{function.Parameters[k].Name}' is not an array parameter of the method; pass one");
            }
        }
        if (Failed) return _graph.Zero(kind);

        var returnKind = ScalarTypes.KindOf(function.ReturnType)!.Value;
        if (CalledNames(invocation.TargetMethod, rule.Rule) is not { } names) return FailGenericRule(invocation, rule);
        var target = new CallTarget(names.Function, names.Rule, function.Name, rule.Rule.Name,
            new string(differentiable.Select(d => d ? '1' : '0').ToArray()), string.Join(",", function.Parameters.Select(p => p.Name)));
        // A rule gives first derivatives only: H·t through it would be silently wrong.
        if (SecondOrder && operands.Where((_, k) => differentiable[k]).Any(IsActive))
        {
            _ruleDiagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.HessianThroughRule, LocationInfo.From(invocation.Syntax),
                _callStack.Last().Name, function.Name, rule.Rule.Name));
        }
        if (_tensors is not null)
        {
            // Code on Vec and Mat: one value per sample, F and the rule called in loops over the batch; under a
            // condition (its last operand, per sample where the condition is), only where it holds.
            var perSampleOperands = _graph.Guard is int guard ? operands.Append(guard).ToArray() : operands;
            var perSample = new Node(Op.ValueCall, returnKind, new EquatableArray<int>(perSampleOperands), _graph.Broadcast(perSampleOperands), Name: target.Encode());
            return _graph.Convert(_graph.Rebuild(perSample), kind);
        }
        // The condition under which the user's method makes the call (its last operand): F and its rule run only there.
        var withGuard = operands.Append(_graph.Guard ?? True).ToArray();
        int node = _graph.Pinned(new Node(Op.Call, returnKind, new EquatableArray<int>(withGuard), Name: target.Encode()));
        return _graph.Convert(node, kind);
    }

    /// <summary>
    /// The function and its rule as the generated code calls them: the function's type as the call writes it
    /// (<c>G&lt;int&gt;.F</c>), and the rule's with the type parameters the two types share given the call's arguments
    /// (a rule in <c>G&lt;T&gt;</c> is called as <c>G&lt;int&gt;.FRule</c>). Null when the rule's type has a type
    /// parameter the call does not give (a rule in another generic type).
    /// </summary>
    private static (string Function, string Rule)? CalledNames(IMethodSymbol callee, IMethodSymbol rule)
    {
        var arguments = new Dictionary<ITypeParameterSymbol, ITypeSymbol>(SymbolEqualityComparer.Default);
        for (var type = callee.ContainingType; type is not null; type = type.ContainingType)
        {
            for (int k = 0; k < type.Arity; k++) arguments[type.OriginalDefinition.TypeParameters[k]] = type.TypeArguments[k];
        }
        var ruleType = AsCalled(rule.ContainingType, arguments);
        if (ruleType is null) return null;
        var format = SymbolDisplayFormat.FullyQualifiedFormat;
        return (callee.ContainingType.ToDisplayString(format) + "." + Escaped(callee.Name), ruleType.ToDisplayString(format) + "." + Escaped(rule.Name));
    }

    /// <summary>A method's name as C# writes it: <c>@if</c> for a method named with a keyword.</summary>
    private static string Escaped(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    /// <summary><paramref name="type"/> (and the types it is nested in) with its type parameters replaced by <paramref name="arguments"/>; null if one has none.</summary>
    private static INamedTypeSymbol? AsCalled(INamedTypeSymbol type, Dictionary<ITypeParameterSymbol, ITypeSymbol> arguments)
    {
        var definition = type.OriginalDefinition;
        var nested = definition;
        if (definition.ContainingType is { } outer)
        {
            var outerAsCalled = AsCalled(outer, arguments);
            if (outerAsCalled is null) return null;
            nested = outerAsCalled.GetTypeMembers(definition.Name, definition.Arity).FirstOrDefault();
            if (nested is null) return null;
        }
        if (definition.Arity == 0) return nested;
        var given = new ITypeSymbol[definition.Arity];
        for (int k = 0; k < given.Length; k++)
        {
            if (!arguments.TryGetValue(definition.TypeParameters[k], out var argument)) return null;
            given[k] = argument;
        }
        return nested.Construct(given);
    }

    private int FailGenericRule(IInvocationOperation invocation, RuleDeclaration rule) =>
        Fail(DiagnosticCatalogue.RuleCallUnsupported, invocation.Syntax, invocation.Syntax.ToString(), rule.Rule.Name,
            $"'{rule.Rule.Name}' is declared in the generic type '{rule.Rule.ContainingType.ToDisplayString()}', whose type arguments this call does not give; declare the rule in '{rule.Function!.ContainingType.Name}' or in a type that is not generic");
}
