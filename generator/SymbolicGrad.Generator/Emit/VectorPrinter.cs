using System;
using SymbolicGrad.Generator.Graph;

namespace SymbolicGrad.Generator.Emit;

/// <summary>
/// Writes an element-wise float expression for <c>Lanes.Width</c> elements at a time, or gives null when some
/// operation has no exact vector form (exp, log, tanh… and integer or indexed work): such loops stay scalar.
/// Only operations whose vector form rounds exactly as the scalar one are used, in the same order, so a
/// vectorized loop gives the bits of the scalar loop.
/// </summary>
internal sealed class VectorPrinter
{
    private const int Additive = 1, Multiplicative = 2, Unary = 3, Primary = 4;

    private readonly Dag _dag;
    private readonly string _lanes;
    private readonly Func<int, string?> _load;
    private readonly Func<int, string> _scalar;

    /// <param name="dag">The graph.</param>
    /// <param name="lanes">How the code names the runtime's <c>Lanes</c> class.</param>
    /// <param name="load">The lanes of a value read from memory (a stored value or an input), or null for a node that is computed inline.</param>
    /// <param name="scalar">A per-row or constant value as a scalar expression, broadcast to every lane.</param>
    public VectorPrinter(Dag dag, string lanes, Func<int, string?> load, Func<int, string> scalar)
    {
        _dag = dag;
        _lanes = lanes;
        _load = load;
        _scalar = scalar;
    }

    /// <summary>The node written in full, or null if it cannot be vectorized.</summary>
    public string? PrintDefinition(int node) => Write(node, 0, inline: true);

    /// <summary>The node as an operand: loaded if it is in memory, else written in full; or null.</summary>
    public string? PrintDefinitionOrLoad(int node) => Print(node, 0);

    private string? Print(int node, int minimum) => Write(node, minimum, inline: false);

    private string? Write(int node, int minimum, bool inline)
    {
        var n = _dag[node];
        if (n.Rank == 0) return n.Kind == ScalarKind.Single ? _lanes + ".Splat(" + _scalar(node) + ")" : null;
        if (n.Kind != ScalarKind.Single || n.Rank != 1) return null;
        if (!inline && _load(node) is { } loaded) return loaded;
        string? text;
        int precedence = Primary;
        switch (n.Op)
        {
            case Op.Add: text = Infix(n, "+", precedence = Additive); break;
            case Op.Sub: text = Infix(n, "-", precedence = Additive); break;
            case Op.Mul: text = Infix(n, "*", precedence = Multiplicative); break;
            case Op.Div: text = Infix(n, "/", precedence = Multiplicative); break;
            case Op.Neg:
                precedence = Unary;
                text = Print(n[0], Unary) is { } operand ? "-" + operand : null;
                break;
            case Op.Broadcast: text = Print(n[0], minimum); break;
            case Op.Max: text = Call("Max", n); break;
            case Op.Min: text = Call("Min", n); break;
            case Op.Abs: text = Call("Abs", n); break;
            case Op.Sqrt: text = Call("Sqrt", n); break;
            case Op.Select:
            {
                string? mask = Mask(n[0]), whenTrue = Print(n[1], 0), whenFalse = Print(n[2], 0);
                text = mask is null || whenTrue is null || whenFalse is null ? null : $"{_lanes}.Select({mask}, {whenTrue}, {whenFalse})";
                break;
            }
            default: return null;
        }
        if (text is null) return null;
        return precedence < minimum ? "(" + text + ")" : text;
    }

    private string? Infix(Node n, string symbol, int precedence)
    {
        // Left-associative, as C#: the right operand needs parentheses at equal precedence.
        string? left = Print(n[0], precedence), right = Print(n[1], precedence + 1);
        return left is null || right is null ? null : left + " " + symbol + " " + right;
    }

    private string? Call(string name, Node n)
    {
        var args = new string[n.Arity];
        for (int k = 0; k < n.Arity; k++)
        {
            if (Print(n[k], 0) is not { } arg) return null;
            args[k] = arg;
        }
        return $"{_lanes}.{name}({string.Join(", ", args)})";
    }

    /// <summary>A condition as a lane mask: comparisons of floats and their &amp;&amp;, || and !.</summary>
    private string? Mask(int node)
    {
        // A condition kept in a bool buffer stays scalar (network code recomputes conditions instead of storing them).
        if (_load(node) is not null) return null;
        var n = _dag[node];
        switch (n.Op)
        {
            case Op.Greater: return Compare("Greater", n);
            case Op.GreaterOrEqual: return Compare("GreaterOrEqual", n);
            case Op.Less: return Compare("Less", n);
            case Op.LessOrEqual: return Compare("LessOrEqual", n);
            case Op.Equal: return Compare("Equal", n);
            case Op.NotEqual: return Compare("NotEqual", n);
            case Op.And or Op.Or:
            {
                string? left = Mask(n[0]), right = Mask(n[1]);
                return left is null || right is null ? null : $"({left} {(n.Op == Op.And ? "&" : "|")} {right})";
            }
            case Op.Not:
                return Mask(n[0]) is { } operand ? "~" + operand : null;
            default:
                return null;
        }
    }

    private string? Compare(string name, Node n) =>
        _dag[n[0]].Kind == ScalarKind.Single && _dag[n[1]].Kind == ScalarKind.Single ? Call(name, n) : null;
}
