using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Patterns (<c>x is &gt; 0 and &lt; 1</c>) become conditions, and a switch expression a chain of selects whose arms are
/// tested in order, as an if/else chain: the derivative is that of the arm taken. Patterns test one double, float,
/// int or bool value: constants (NaN matches NaN, 0.0 matches −0.0, as in C#), relational patterns, <c>and</c>,
/// <c>or</c>, <c>not</c>, <c>var</c>, a type pattern of the value's own type, and discards.
/// </summary>
internal sealed partial class BodyLowering
{
    private int EvaluateIsPattern(IIsPatternOperation isPattern, Environment env)
    {
        int value = Evaluate(isPattern.Value, env);
        return Match(isPattern.Pattern, value, env);
    }

    /// <summary>
    /// c₁ ? v₁ : c₂ ? v₂ : … : vₙ, each arm's guard and value evaluated under "no earlier arm matched and this one did".
    /// The last arm is taken when no other matched: C# proves the switch exhaustive, or it is reported, because a
    /// select cannot throw the SwitchExpressionException C# throws when no arm matches.
    /// </summary>
    private int EvaluateSwitch(ISwitchExpressionOperation switchExpression, ScalarKind kind, Environment env)
    {
        var keyword = switchExpression.Syntax is SwitchExpressionSyntax syntax ? LocationInfo.From(syntax.SwitchKeyword) : LocationInfo.From(switchExpression.Syntax);
        if (!switchExpression.IsExhaustive)
        {
            Report(DiagnosticCatalogue.SwitchMayThrow, keyword, switchExpression.Value.Syntax.ToString(),
                "does not cover every value of its input (for a double or float, NaN too), where C# throws SwitchExpressionException");
            return _graph.Zero(kind);
        }
        var throwing = FirstThrowingArm(switchExpression);
        if (throwing is not null)
        {
            Report(DiagnosticCatalogue.SwitchMayThrow, LocationInfo.From(throwing.Syntax), switchExpression.Value.Syntax.ToString(),
                "throws in this arm");
            return _graph.Zero(kind);
        }

        int value = Evaluate(switchExpression.Value, env);
        var matches = new List<int>();
        var values = new List<int>();
        int? noEarlierArm = null;
        for (int i = 0; i < switchExpression.Arms.Length; i++)
        {
            var arm = switchExpression.Arms[i];
            bool last = i == switchExpression.Arms.Length - 1;
            int match = Match(arm.Pattern, value, env);
            if (arm.Guard is { } guard)
            {
                int patternMatched = match;
                match = _graph.Binary(Op.And, match, Under(And(noEarlierArm, patternMatched)!.Value, () => EvaluateCondition(guard, env)));
            }
            int? taken = last ? noEarlierArm : And(noEarlierArm, match);
            values.Add(taken is int t ? Under(t, () => Evaluate(arm.Value, env)) : Evaluate(arm.Value, env));
            matches.Add(match);
            noEarlierArm = And(noEarlierArm, _graph.Not(match));
        }
        int result = values[values.Count - 1];
        for (int i = values.Count - 2; i >= 0; i--)
        {
            result = _graph.Select(matches[i], values[i], result);
        }
        return result;
    }

    private static IOperation? FirstThrowingArm(ISwitchExpressionOperation switchExpression)
    {
        foreach (var arm in switchExpression.Arms)
        {
            var value = arm.Value;
            while (value is IConversionOperation conversion) value = conversion.Operand;
            if (value is IThrowOperation) return value;
        }
        return null;
    }

    /// <summary>The condition that <paramref name="value"/> matches <paramref name="pattern"/>; binds its declared variables.</summary>
    private int Match(IPatternOperation pattern, int value, Environment env)
    {
        var kind = _graph.KindOf(value);
        if (_graph[value].Rank > 0)
        {
            return Unsupported(pattern, "a pattern on a vector or matrix");
        }
        switch (pattern)
        {
            case IDiscardPatternOperation:
                return True;
            case IConstantPatternOperation constant:
            {
                int c = ConstantOf(constant.Value, kind, env);
                if (kind == ScalarKind.Boolean) return _graph[c].Value != 0 ? value : _graph.Not(value);
                // C# matches NaN with NaN; every other constant (±0 included) by ==.
                if (kind.IsReal() && double.IsNaN(_graph[c].Value)) return _graph.Binary(Op.NotEqual, value, value);
                return _graph.Binary(Op.Equal, value, c);
            }
            case IRelationalPatternOperation relational:
            {
                Op? op = relational.OperatorKind switch
                {
                    BinaryOperatorKind.LessThan => Op.Less,
                    BinaryOperatorKind.LessThanOrEqual => Op.LessOrEqual,
                    BinaryOperatorKind.GreaterThan => Op.Greater,
                    BinaryOperatorKind.GreaterThanOrEqual => Op.GreaterOrEqual,
                    _ => null,
                };
                return op is null
                    ? Unsupported(pattern, $"relational operator {relational.OperatorKind}")
                    : _graph.Binary(op.Value, value, ConstantOf(relational.Value, kind, env));
            }
            case IBinaryPatternOperation binary:
            {
                int left = Match(binary.LeftPattern, value, env);
                int right = Match(binary.RightPattern, value, env);
                return _graph.Binary(binary.OperatorKind == BinaryOperatorKind.Or ? Op.Or : Op.And, left, right);
            }
            case INegatedPatternOperation negated:
                return _graph.Not(Match(negated.Pattern, value, env));
            case IDeclarationPatternOperation declaration when declaration.MatchedType is null || IsInputType(declaration.MatchedType, declaration):
                if (declaration.DeclaredSymbol is { } variable) Assign(variable, value, env);
                return True;
            case ITypePatternOperation type when IsInputType(type.MatchedType, type):
                return True;
            case IDeclarationPatternOperation or ITypePatternOperation:
                return Unsupported(pattern, "a test of another type");
            case IRecursivePatternOperation:
                return Unsupported(pattern, "a property or positional pattern");
            default:
                return Unsupported(pattern, pattern.Kind.ToString());
        }
    }

    private static bool IsInputType(ITypeSymbol? matched, IPatternOperation pattern) =>
        SymbolEqualityComparer.Default.Equals(matched, pattern.InputType);

    /// <summary>A pattern's constant, as a node of the tested value's kind.</summary>
    private int ConstantOf(IOperation constant, ScalarKind kind, Environment env)
    {
        int node = Evaluate(constant, env);
        return _graph.KindOf(node) == kind || kind == ScalarKind.Boolean || _graph.KindOf(node) == ScalarKind.Boolean ? node : _graph.Convert(node, kind);
    }

    private int Unsupported(IPatternOperation pattern, string what)
    {
        Report(DiagnosticCatalogue.UnsupportedPattern, pattern.Syntax, pattern.Syntax.ToString(), what);
        return _graph.Zero(ScalarKind.Boolean);
    }
}
