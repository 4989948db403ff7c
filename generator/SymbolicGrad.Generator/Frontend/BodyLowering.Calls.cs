using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>Calls: <c>Math</c>/<c>MathF</c> members, <c>Ops</c>, derivative rules and layers, and the inlining of other [Differentiable] methods. (A part of <see cref="BodyLowering"/>.)</summary>
internal sealed partial class BodyLowering
{
    private int EvaluateInvocation(IInvocationOperation invocation, ScalarKind kind, Environment env)
    {
        var method = invocation.TargetMethod;
        if (method.ContainingType is { Name: "Enumerable" or "Queryable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } })
        {
            // Point at the query itself when the call consumes one: (from … select …).Sum().
            var query = invocation.Descendants().OfType<ITranslatedQueryOperation>().FirstOrDefault()?.Syntax ?? invocation.Syntax;
            return Fail(DiagnosticCatalogue.Linq, query, query.ToString());
        }
        if (_tensors is not null && IsLayerCall(invocation))
        {
            return EvaluateLayerCall(invocation, env);
        }
        if (_tensors is not null && TensorTypes.IsOps(method.ContainingType))
        {
            var operands = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => Evaluate(a.Value, env)).ToList();
            return _tensors.Call(method.Name, operands)
                ?? Fail(DiagnosticCatalogue.UnsupportedExpression, invocation.Syntax, invocation.Syntax.ToString(), $"call to Ops.{method.Name}", Advice.Tensors);
        }
        if (MathLibrary.IsMathType(method.ContainingType))
        {
            return EvaluateMath(invocation, env);
        }
        if (TryCallWithRule(invocation, kind, env, out int ruled)) return ruled;
        if (method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute))
        {
            return Inline(invocation, kind, env);
        }
        string display = method.ContainingType.Name + "." + method.Name;
        if (method.DeclaringSyntaxReferences.Length > 0)
        {
            return Fail(DiagnosticCatalogue.UnsupportedCall, invocation.Syntax, invocation.Syntax.ToString(), Advice.Call(method, CanBeInlined(method)));
        }
        return Fail(DiagnosticCatalogue.UnsupportedExpression, invocation.Syntax, invocation.Syntax.ToString(), $"call to {display}", Advice.UnknownCall(_kind));
    }

    private int EvaluateMath(IInvocationOperation invocation, Environment env)
    {
        var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToArray();
        string name = invocation.TargetMethod.Name;
        var op = MathLibrary.Find(name, arguments.Length);
        var kind = ScalarTypes.KindOf(invocation.TargetMethod.ReturnType);
        if (op is null || kind is null)
        {
            string overload = $"{invocation.TargetMethod.ContainingType.Name}.{name} with {arguments.Length} argument{(arguments.Length == 1 ? "" : "s")}";
            return Fail(DiagnosticCatalogue.UnsupportedMathMember, invocation.Syntax, invocation.Syntax.ToString(), overload);
        }
        var operands = arguments.Select(a => Evaluate(a, env)).ToArray();
        if (OpTable.Of(op.Value).Is(OpTraits.ZeroDerivative) && _graph.KindOf(operands[0]).IsReal() && IsActive(operands[0]))
        {
            Warn(DiagnosticCatalogue.ZeroDerivative, invocation.Syntax, invocation.Syntax.ToString());
        }
        if (op == Op.CopySign && IsActive(operands[1]) && !IsActive(operands[0]))
        {
            // Only y's sign reaches the result.
            Warn(DiagnosticCatalogue.ZeroDerivative, invocation.Syntax, invocation.Syntax.ToString());
        }
        return _graph.Elementwise(op.Value, kind.Value, operands);
    }

    private int Inline(IInvocationOperation invocation, ScalarKind kind, Environment env)
    {
        var callee = invocation.TargetMethod.OriginalDefinition;
        var root = _callStack.Last();
        if (_callStack.Contains(callee, SymbolEqualityComparer.Default))
        {
            return Fail(DiagnosticCatalogue.Recursion, invocation.Syntax, root.Name, callee.Name);
        }

        var declaration = callee.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(_cancellation)).OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(d => d.Body is not null || d.ExpressionBody is not null);
        if (declaration is not null) LoweringCache.Consulted(declaration.SyntaxTree);
        var body = declaration is null ? null : _compilation.GetSemanticModel(declaration.SyntaxTree).GetOperation(declaration, _cancellation);
        string? refusal = InlineSignature.Refusal(callee, invocation, _callStack.Peek(), tensors: _tensors is not null);
        if (declaration is null)
        {
            return FailCall(invocation, invocation.Syntax.ToString(),
                $"the source of '{callee.Name}' is not in this compilation (it comes from a referenced assembly); declare it in this project to differentiate through it");
        }
        if (body is null || refusal is not null)
        {
            return FailCall(invocation, invocation.Syntax.ToString(), refusal ?? $"'{callee.Name}' has no body");
        }

        var calleeEnv = new Environment();
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null) continue;
            calleeEnv.Set(argument.Parameter.OriginalDefinition, Evaluate(argument.Value, env));
        }

        // The callee's own problems are reported on the callee; here they only stop the caller.
        var outer = _diagnostics;
        bool outerFailed = Failed;
        _diagnostics = new List<DiagnosticInfo>();
        Failed = false;
        int result;
        using (AtCallSite()) result = Run(callee, body, calleeEnv, ScalarTypes.KindOf(callee.ReturnType) ?? kind);
        bool calleeFailed = Failed || _diagnostics.Any(d => d.IsError);
        var recursion = _diagnostics.FirstOrDefault(d => d.Id == DiagnosticCatalogue.Recursion.Id);
        // A layer in a helper is wrong only where the caller is no model method: the helper alone cannot report it.
        outer.AddRange(_diagnostics.Where(d => d.Id == DiagnosticCatalogue.LayerOutsideModel.Id));
        _diagnostics = outer;
        Failed = outerFailed;

        if (recursion is not null)
        {
            return Fail(DiagnosticCatalogue.Recursion, invocation.Syntax, root.Name, callee.Name);
        }
        if (calleeFailed)
        {
            return FailCall(invocation, invocation.Syntax.ToString(),
                $"'{callee.Name}' has errors that prevent its differentiation (see its own diagnostics)");
        }
        result = _graph.Convert(result, kind);
        if (callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == PredictionAttribute)) _marked.Add(new NodeName(result, callee.Name));
        return result;
    }

    /// <summary>Whether a [Differentiable] callee has a signature the generator inlines: static, non-generic, of double, float, int and bool.</summary>
    private static bool CanBeInlined(IMethodSymbol callee) =>
        callee.IsStatic && !callee.IsGenericMethod
        && ScalarTypes.KindOf(callee.ReturnType)?.IsReal() == true
        && callee.Parameters.All(p => p.RefKind == RefKind.None && ScalarTypes.KindOf(p.Type) is not null);
}
