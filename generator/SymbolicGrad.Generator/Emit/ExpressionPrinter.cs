using System;
using System.Globalization;
using SymbolicGrad.Generator.Graph;

namespace SymbolicGrad.Generator.Emit;

/// <summary>
/// Writes a node as an expression, inlining every operand that is not a scheduled variable, with the fewest
/// parentheses that keep C#'s evaluation order (so results are bit-for-bit those of the user's method).
/// The same walk writes C# code or the math notation of the comments.
/// </summary>
internal sealed class ExpressionPrinter
{
    // C# precedence levels, loosest first.
    private const int Conditional = 1, Or = 2, And = 3, Equality = 4, Relational = 5, Additive = 6, Multiplicative = 7, Unary = 8, Primary = 9;

    private readonly Schedule _schedule;
    private readonly bool _math;
    private readonly string _mathType;
    private readonly string _mathFType;

    private readonly System.Func<int, string?>? _reference;

    private ExpressionPrinter(Schedule schedule, bool math, System.Func<int, string?>? reference = null)
    {
        _reference = reference;
        _schedule = schedule;
        _math = math;
        bool qualify = schedule.Model.Method.QualifyMath;
        _mathType = qualify ? "global::System.Math" : "Math";
        _mathFType = qualify ? "global::System.MathF" : "MathF";
    }

    /// <summary>C# code.</summary>
    public static ExpressionPrinter CSharp(Schedule schedule) => new(schedule, math: false);

    /// <summary>C# code where <paramref name="reference"/> writes the nodes it knows (e.g. buffer elements in a loop).</summary>
    public static ExpressionPrinter CSharp(Schedule schedule, System.Func<int, string?> reference) => new(schedule, math: false, reference);

    /// <summary>Math notation for comments: adjoint variables read as ∂f/∂v.</summary>
    public static ExpressionPrinter Math(Schedule schedule) => new(schedule, math: true);

    /// <summary>Math notation where <paramref name="reference"/> writes the nodes it knows (e.g. a renamed local).</summary>
    public static ExpressionPrinter Math(Schedule schedule, System.Func<int, string?> reference) => new(schedule, math: true, reference);

    public string Print(int node) => Print(node, 0);

    /// <summary>The node written in full (not as its variable), for the right-hand side of its own statement.</summary>
    public string PrintDefinition(int node) => Write(node, 0);

    private string Print(int node, int minimum)
    {
        if (_reference?.Invoke(node) is { } reference) return reference;
        if (_schedule.Variables.TryGetValue(node, out var variable))
        {
            return _math && variable.AdjointOf is { } primal ? $"∂{_schedule.ResultName}/∂{primal}" : variable.Name;
        }
        return Write(node, minimum);
    }

    private string Write(int node, int minimum)
    {
        var (text, precedence) = Format(_schedule.Model.Graph[node]);
        return precedence < minimum ? "(" + text + ")" : text;
    }

    private (string Text, int Precedence) Format(Node n)
    {
        switch (n.Op)
        {
            case Op.Constant:
                return Literal(n);
            case Op.Input:
                return (_math ? NameAllocator.Bare(n.Name!) : n.Name!, Primary);
            case Op.External:
                if (_math && n.Name!.StartsWith("(float)")) return (n.Name.Substring("(float)".Length), Primary);
                return (_math ? n.Name!.Substring(n.Name.LastIndexOf('.') + 1) : n.Name!, Primary);
            case Op.Add: return Infix(n, "+", Additive);
            case Op.Sub: return Infix(n, _math ? "−" : "-", Additive);
            case Op.Mul: return Infix(n, _math ? "·" : "*", Multiplicative);
            case Op.Div: return Infix(n, "/", Multiplicative);
            case Op.Less: return Infix(n, "<", Relational);
            case Op.LessOrEqual: return Infix(n, _math ? "≤" : "<=", Relational);
            case Op.Greater: return Infix(n, ">", Relational);
            case Op.GreaterOrEqual: return Infix(n, _math ? "≥" : ">=", Relational);
            case Op.Equal: return Infix(n, _math ? "=" : "==", Equality);
            case Op.NotEqual: return Infix(n, _math ? "≠" : "!=", Equality);
            case Op.And: return Infix(n, "&&", And);
            case Op.Or: return Infix(n, "||", Or);
            case Op.Neg:
                return ((_math ? "−" : "-") + Print(n[0], Unary), Unary);
            case Op.Not:
                return ("!" + Print(n[0], Unary), Unary);
            case Op.Convert:
                return _math ? (Print(n[0], Primary), Primary) : ("(" + n.Kind.Keyword() + ")" + Print(n[0], Unary), Unary);
            case Op.Select:
                return (Print(n[0], Conditional + 1) + " ? " + Print(n[1], Conditional + 1) + " : " + Print(n[2], Conditional), Conditional);
            case Op.Broadcast:
                return (Print(n[0], Primary), Primary);
            case Op.Sigmoid:
                return _math ? ("σ(" + Print(n[0], 0) + ")", Primary)
                    : ("1f / (1f + " + _mathFType + ".Exp(-" + Print(n[0], Unary) + "))", Multiplicative);
            case Op.MatVec when _math:
                return (Print(n[0], Primary) + "·" + Print(n[1], Primary), Multiplicative);
            case Op.Sum when _math:
                return ("Σ" + Print(n[0], Primary), Unary);
            case Op.LogSumExp when _math:
                return ("logΣexp(" + Print(n[0], 0) + ")", Primary);
            case Op.Pick when _math:
                return (Print(n[0], Primary) + "[" + Print(n[1], 0) + "]", Primary);
            case Op.OneHot when _math:
                return ("onehot(" + Print(n[1], 0) + ")·" + Print(n[0], Primary), Multiplicative);
            case Op.MatTVec when _math:
                return (Print(n[0], Primary) + "ᵀ·" + Print(n[1], Primary), Multiplicative);
            case Op.Outer when _math:
                return ("Σ " + Print(n[0], Primary) + "·" + Print(n[1], Primary) + "ᵀ", Unary);
            case Op.ReduceBatch when _math:
                return ("Σ_batch " + Print(n[0], Primary), Unary);
            case Op.Concat when _math:
                return ("[" + Print(n[0], 0) + "; " + Print(n[1], 0) + "]", Primary);
            case Op.Slice when _math:
                return ("part " + (n.Value == 0 ? "1" : "2") + " of " + Print(n[0], Primary), Unary);
            case Op.Sqrt when _math:
                return ("√" + Print(n[0], Primary), Unary);
            case Op.Abs when _math:
                return ("|" + Print(n[0], 0) + "|", Primary);
            case Op.Pow when _math:
                return (Print(n[0], Primary) + "^" + Print(n[1], Primary), Unary);
            default:
                return (Call(n), Primary);
        }
    }

    private (string, int) Infix(Node n, string symbol, int precedence) =>
        // Left-associative: the right operand needs parentheses at equal precedence ((a − b) − c vs a − (b − c)).
        (Print(n[0], precedence) + " " + symbol + " " + Print(n[1], precedence + 1), precedence);

    private string Call(Node n)
    {
        string name = n.Op.ToString();
        string args = n.Arity == 1 ? Print(n[0], 0) : Print(n[0], 0) + ", " + Print(n[1], 0);
        if (_math) return name.ToLowerInvariant() + "(" + args + ")";
        var operandKind = _schedule.Model.Graph[n[0]].Kind;
        string type = operandKind == ScalarKind.Single ? _mathFType : _mathType;
        return type + "." + name + "(" + args + ")";
    }

    private (string, int) Literal(Node n)
    {
        double v = n.Value;
        string text;
        switch (n.Kind)
        {
            case ScalarKind.Boolean:
                return (v != 0 ? "true" : "false", Primary);
            case ScalarKind.Int32:
                text = ((int)v).ToString(CultureInfo.InvariantCulture);
                break;
            case ScalarKind.Single:
                text = FloatLiteral((float)v);
                break;
            default:
                text = DoubleLiteral(v);
                break;
        }
        return (text, text.StartsWith("-", StringComparison.Ordinal) ? Unary : Primary);
    }

    private string DoubleLiteral(double v)
    {
        if (double.IsNaN(v)) return _math ? "NaN" : "double.NaN";
        if (double.IsInfinity(v)) return _math ? (v > 0 ? "∞" : "-∞") : v > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        string text = v.ToString("R", CultureInfo.InvariantCulture);
        if (_math) return text;
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    private string FloatLiteral(float v)
    {
        if (float.IsNaN(v)) return _math ? "NaN" : "float.NaN";
        if (float.IsInfinity(v)) return _math ? (v > 0 ? "∞" : "-∞") : v > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        string text = v.ToString("R", CultureInfo.InvariantCulture);
        return _math ? text : text + "f";
    }
}
