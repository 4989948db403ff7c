using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Writes a node as an expression from its op's <see cref="Notation"/>, inlining every operand the subclass does not
/// name (stored values), with the fewest parentheses that keep C#'s evaluation order — so the code computes, bit for
/// bit, what the user's method computes. Subclasses write C# or the math notation of comments.
/// </summary>
internal abstract class ExpressionPrinter : IExpressionContext
{
    protected ExpressionPrinter(Dag dag) => Dag = dag;

    protected Dag Dag { get; }

    public abstract bool IsMath { get; }

    public Node this[int node] => Dag[node];

    public abstract string MathClass(ScalarKind kind);

    public abstract string Dim(Dim dim);

    public abstract string Element(int node, string index);

    public abstract string Index { get; }

    public abstract string SampleWeight { get; }

    /// <summary>The node as an operand: its name if it has one, else written in full.</summary>
    public string Print(int node) => Print(node, 0);

    /// <summary>The node written in full (not as its name), for the right-hand side of its own statement.</summary>
    public string PrintDefinition(int node) => Write(node, 0);

    public string Operand(int node, int minimum) => Print(node, minimum);

    /// <summary>How the code refers to a node that is not written in full (a stored value), or null to write it.</summary>
    protected abstract string? Reference(int node);

    private string Print(int node, int minimum) => Reference(node) ?? Write(node, minimum);

    private string Write(int node, int minimum)
    {
        var n = Dag[node];
        var def = OpTable.Of(n.Op);
        var notation = (IsMath ? def.Math : def.CSharp)
            ?? throw new InvalidOperationException($"{n.Op} has no {(IsMath ? "math" : "C#")} notation");
        var (text, precedence) = Format(notation, n);
        return precedence < minimum ? "(" + text + ")" : text;
    }

    private (string, int) Format(Notation notation, Node n)
    {
        switch (notation)
        {
            case Notation.Infix infix:
                // Left-associative: the right operand needs parentheses at equal precedence ((a − b) − c vs a − (b − c)).
                return (Print(n[0], infix.Precedence) + " " + infix.Symbol + " " + Print(n[1], infix.Precedence + 1), infix.Precedence);
            case Notation.Prefix prefix:
                return (prefix.Symbol + Print(n[0], Precedence.Unary), Precedence.Unary);
            case Notation.Call call:
            {
                var args = new string[n.Arity];
                for (int k = 0; k < n.Arity; k++) args[k] = Print(n[k], 0);
                string name = IsMath ? call.Name : MathClass(Dag[n[0]].Kind) + "." + call.Name;
                return (name + "(" + string.Join(", ", args) + ")", Precedence.Primary);
            }
            case Notation.Custom custom:
                return custom.Write(this, n) ?? throw new InvalidOperationException($"{n.Op} has no form here");
            default:
                throw new InvalidOperationException("Unknown notation " + notation);
        }
    }
}
