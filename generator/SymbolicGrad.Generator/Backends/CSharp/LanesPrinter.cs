using System;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Writes an element-wise float expression for <c>Lanes.Width</c> elements at a time from its ops' lane notations
/// (<see cref="OpDef.Lanes"/>, <see cref="OpDef.LanesMask"/>), or gives null when some op has no exact vector form
/// (exp, log, tanh… and integer or indexed work): such loops stay scalar. Only ops whose vector form rounds exactly as
/// the scalar one have a lane notation, so a vectorized loop gives the bits of the scalar loop.
/// </summary>
internal sealed class LanesPrinter : IExpressionContext
{
    private readonly Dag _dag;
    private readonly string _lanes;
    private readonly Func<int, string?> _load;
    private readonly Func<int, string> _scalar;

    /// <param name="dag">The graph.</param>
    /// <param name="lanes">How the code names the runtime's <c>Lanes</c> class.</param>
    /// <param name="load">The lanes of a value read from memory (a stored value or an input), or null for a node computed inline.</param>
    /// <param name="scalar">A per-row or constant value as a scalar expression, broadcast to every lane.</param>
    public LanesPrinter(Dag dag, string lanes, Func<int, string?> load, Func<int, string> scalar)
    {
        _dag = dag;
        _lanes = lanes;
        _load = load;
        _scalar = scalar;
    }

    /// <summary>The node written in full, or null if it cannot be vectorized.</summary>
    public string? PrintDefinition(int node) => Try(() => Write(node, 0, inline: true));

    /// <summary>The node as an operand: loaded if it is in memory, else written in full; or null.</summary>
    public string? PrintDefinitionOrLoad(int node) => Try(() => Write(node, 0, inline: false));

    bool IExpressionContext.IsMath => false;

    Node IExpressionContext.this[int node] => _dag[node];

    string IExpressionContext.Operand(int node, int minimum) => Write(node, minimum, inline: false);

    string IExpressionContext.MathClass(ScalarKind kind) => throw new NotVectorizable();

    string IExpressionContext.Dim(Dim dim) => throw new NotVectorizable();

    string IExpressionContext.Element(int node, string index) => throw new NotVectorizable();

    string IExpressionContext.Index => throw new NotVectorizable();

    string IExpressionContext.SampleWeight => throw new NotVectorizable();

    private static string? Try(Func<string> write)
    {
        try
        {
            return write();
        }
        catch (NotVectorizable)
        {
            return null;
        }
    }

    private string Write(int node, int minimum, bool inline)
    {
        var n = _dag[node];
        var def = OpTable.Of(n.Op);
        Notation? notation;
        if (n.Kind == ScalarKind.Boolean)
        {
            // A condition shared by every element and sample (on a loop counter): the same mask for every lane.
            if (n.Rank == 0 && !n.Batched) return _lanes + ".Mask(" + _scalar(node) + ")";
            // A condition as a lane mask; one kept in a bool buffer stays scalar (tensor code recomputes conditions instead).
            if (_load(node) is not null) throw new NotVectorizable();
            notation = def.LanesMask;
        }
        else if (n.Rank == 0)
        {
            if (n.Kind != ScalarKind.Single) throw new NotVectorizable();
            return _lanes + ".Splat(" + _scalar(node) + ")";
        }
        else
        {
            if (n.Kind != ScalarKind.Single || n.Rank != 1) throw new NotVectorizable();
            if (!inline && _load(node) is { } loaded) return loaded;
            notation = def.Lanes;
        }
        var (text, precedence) = Format(notation ?? throw new NotVectorizable(), n);
        return precedence < minimum ? "(" + text + ")" : text;
    }

    private (string, int) Format(Notation notation, Node n)
    {
        var self = (IExpressionContext)this;
        switch (notation)
        {
            case Notation.Infix infix:
                // Left-associative, as C#: the right operand needs parentheses at equal precedence.
                return (self.Operand(n[0], infix.Precedence) + " " + infix.Symbol + " " + self.Operand(n[1], infix.Precedence + 1), infix.Precedence);
            case Notation.Prefix prefix:
                return (prefix.Symbol + self.Operand(n[0], Precedence.Unary), Precedence.Unary);
            case Notation.Call call:
            {
                var args = new string[n.Arity];
                for (int k = 0; k < n.Arity; k++) args[k] = self.Operand(n[k], 0);
                return (_lanes + "." + call.Name + "(" + string.Join(", ", args) + ")", Precedence.Primary);
            }
            case Notation.Custom custom:
                return custom.Write(this, n) ?? throw new NotVectorizable();
            default:
                throw new NotVectorizable();
        }
    }

    /// <summary>Some op of the expression has no exact lane form.</summary>
    private sealed class NotVectorizable : Exception
    {
    }
}
