using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Statements and the paths through them: each statement runs on the paths that reach it, an <c>if</c> branches the
/// path and merges the variables of its branches into selects, and every exit (a return, a break, a continue) is kept
/// with the condition of its path.
/// </summary>
internal sealed partial class BodyLowering
{
    /// <summary>
    /// One path through the body: the variables, the condition under which the path runs (null: always), and whether
    /// it has surely left (returned, or broken out of or continued its loop). Each exit records its path condition; the
    /// result is the chain of returns in source order, and a loop's next values the chain of its continues and breaks.
    /// The statements after an <c>if</c> run once, not once per branch, so the IR stays linear in the size of the method.
    /// </summary>
    private sealed class Flow
    {
        public Flow(Environment env, List<(int? Guard, int Value)> returns, LoopContext? loop = null)
        {
            Env = env;
            Returns = returns;
            Loop = loop;
        }

        public Environment Env { get; set; }

        public int? Path { get; set; }

        /// <summary>
        /// The conditions of the enclosing <c>if</c>s only (not narrowed by earlier exits): enough to guard a return of the
        /// method, since the first return whose guard holds is the one that runs.
        /// </summary>
        public int? Condition { get; set; }

        /// <summary>This path has surely left: returned, or broken out of or continued its loop.</summary>
        public bool Exited { get; set; }

        /// <summary>The returns of the method or, inside a loop, of the iteration.</summary>
        public List<(int? Guard, int Value)> Returns { get; }

        /// <summary>The innermost loop being lowered, if any.</summary>
        public LoopContext? Loop { get; }

        public Flow Branch(int? path, int? condition) => new(Env.Clone(), Returns, Loop) { Path = path, Condition = condition };
    }

    private void ExecuteFlow(IOperation statement, Flow flow)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (flow.Exited) return; // Unreachable code.
        using var guard = GuardFor(flow);
        switch (statement)
        {
            case IReturnOperation { ReturnedValue: { } value }:
                // In a loop, exits of several kinds (break, continue, return) are told apart by their exact paths.
                flow.Returns.Add((flow.Loop is null ? flow.Condition : flow.Path, Evaluate(value, flow.Env)));
                flow.Exited = true;
                break;
            case ILoopOperation loop:
                ExecuteLoop(loop, flow);
                break;
            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } branch when flow.Loop is not null && IsOwnLoopExit(branch, flow.Loop):
                ExecuteLoopExit(branch, flow);
                break;
            case IBlockOperation block:
                foreach (var inner in block.Operations) ExecuteFlow(inner, flow);
                break;
            case ILabeledOperation { Operation: { } labeled }:
                // The goto that jumps here is what gets reported.
                ExecuteFlow(labeled, flow);
                break;
            case IConditionalOperation conditional:
                ExecuteIf(conditional, flow);
                break;
            default:
                Execute(statement, flow.Env);
                break;
        }
    }

    private void ExecuteIf(IConditionalOperation conditional, Flow flow)
    {
        int condition = EvaluateCondition(conditional.Condition, flow.Env);
        if (_graph[condition].IsConstant)
        {
            var taken = _graph[condition].Value != 0 ? conditional.WhenTrue : conditional.WhenFalse;
            if (taken is not null) ExecuteFlow(taken, flow);
            return;
        }

        int truePath = PathAnd(flow.Path, condition), falsePath = PathAnd(flow.Path, _graph.Not(condition));
        var whenTrue = flow.Branch(truePath, PathAnd(flow.Condition, condition));
        ExecuteFlow(conditional.WhenTrue, whenTrue);
        var whenFalse = flow.Branch(falsePath, PathAnd(flow.Condition, _graph.Not(condition)));
        if (conditional.WhenFalse is not null) ExecuteFlow(conditional.WhenFalse, whenFalse);

        // A branch that has left no longer needs its variables; the code after the if runs on the paths that did not leave.
        if (whenTrue.Exited && whenFalse.Exited) flow.Exited = true;
        else if (whenTrue.Exited) (flow.Env, flow.Path) = (whenFalse.Env, whenFalse.Path);
        else if (whenFalse.Exited) (flow.Env, flow.Path) = (whenTrue.Env, whenTrue.Path);
        else
        {
            MergeVariables(condition, whenTrue.Env, whenFalse.Env, flow.Env);
            if (whenTrue.Path != truePath || whenFalse.Path != falsePath)
            {
                // Some exit inside a branch: the code after runs where either branch reached its end.
                flow.Path = _graph.Binary(Op.Or, whenTrue.Path ?? _graph.Constant(1, ScalarKind.Boolean), whenFalse.Path ?? _graph.Constant(1, ScalarKind.Boolean));
            }
        }
    }

    /// <summary><paramref name="path"/> ∧ <paramref name="condition"/> (null: always).</summary>
    private int PathAnd(int? path, int condition) => path is int p ? _graph.Binary(Op.And, p, condition) : condition;

    /// <summary>A variable assigned differently in the two branches holds a select afterwards.</summary>
    private void MergeVariables(int condition, Environment whenTrue, Environment whenFalse, Environment target)
    {
        foreach (var entry in whenTrue.Entries)
        {
            if (!whenFalse.TryGet(entry.Key, out int other)) continue;
            if (entry.Value == other)
            {
                target.Set(entry.Key, other);
                continue;
            }
            Assign(entry.Key, _graph.Select(condition, entry.Value, other), target);
        }
    }

    /// <summary>Runs a statement that neither returns nor branches, updating <paramref name="env"/>.</summary>
    private void Execute(IOperation statement, Environment env)
    {
        switch (statement)
        {
            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        var initializer = declarator.Initializer ?? declaration.Initializer;
                        if (initializer is null) continue;
                        Assign(declarator.Symbol, Evaluate(initializer.Value, env), env);
                    }
                }
                break;
            case IExpressionStatementOperation expression:
                ExecuteExpressionStatement(expression, env);
                break;
            case IEmptyOperation:
                break;
            case IInvalidOperation:
                Failed = true;
                break;
            case ILocalFunctionOperation local:
                var name = local.Syntax is LocalFunctionStatementSyntax function ? LocationInfo.From(function.Identifier) : LocationInfo.From(local.Syntax);
                Report(DiagnosticCatalogue.UnsupportedStatement, name, "local function");
                break;
            default:
                ReportStatement(statement);
                break;
        }
    }

    private void ExecuteExpressionStatement(IExpressionStatementOperation statement, Environment env)
    {
        var operation = statement.Operation;
        switch (operation)
        {
            case IDeconstructionAssignmentOperation deconstruction:
                ExecuteDeconstruction(deconstruction, env);
                break;
            case ISimpleAssignmentOperation { Target: IDiscardOperation } discard:
                // _ = e; computes nothing the result can use.
                Evaluate(discard.Value, env);
                break;
            case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation:
                Evaluate(operation, env);
                break;
            case IThrowOperation:
                ReportStatement(statement);
                break;
            case IInvalidOperation:
                Failed = true;
                break;
            case IInvocationOperation or IObjectCreationOperation or IAwaitOperation or IDynamicInvocationOperation:
                Report(DiagnosticCatalogue.SideEffectStatement, operation.Syntax, operation.Syntax.ToString());
                break;
            default:
                Report(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), Describe(operation), Advice.Expression(operation, _kind));
                break;
        }
    }

    private void ReportStatement(IOperation statement)
    {
        var keyword = statement.Syntax.GetFirstToken();
        Report(DiagnosticCatalogue.UnsupportedStatement, LocationInfo.From(keyword), keyword.ValueText);
    }
}
