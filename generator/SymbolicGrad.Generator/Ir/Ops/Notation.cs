using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>C#'s operator precedence levels, loosest first; the math notation of comments uses the same.</summary>
internal static class Precedence
{
    public const int Conditional = 1, Or = 2, And = 3, Equality = 4, Relational = 5, Additive = 6, Multiplicative = 7, Unary = 8, Primary = 9;
}

/// <summary>What expression printers need from the code around an expression.</summary>
internal interface IExpressionContext
{
    /// <summary>Math notation (comments) rather than C#.</summary>
    bool IsMath { get; }

    Node this[int node] { get; }

    /// <summary>An operand, parenthesized if its own precedence is below <paramref name="minimum"/>.</summary>
    string Operand(int node, int minimum);

    /// <summary>How the code names <c>System.Math</c> (double) or <c>System.MathF</c> (float).</summary>
    string MathClass(ScalarKind kind);

    /// <summary>A dimension's value (its local, or its expression).</summary>
    string Dim(Dim dim);

    /// <summary>Element <paramref name="index"/> of a vector operand, in the row being computed.</summary>
    string Element(int node, string index);

    /// <summary>The position of the element being computed (in element loops).</summary>
    string Index { get; }

    /// <summary>The local holding 1/B in a model method's backward pass.</summary>
    string SampleWeight { get; }
}

/// <summary>How an operation is written: the same description serves C#, math comments and SIMD lanes.</summary>
internal abstract record Notation
{
    private Notation()
    {
    }

    /// <summary><c>a op b</c>, left-associative.</summary>
    public sealed record Infix(string Symbol, int Precedence) : Notation;

    /// <summary><c>op a</c> at unary precedence.</summary>
    public sealed record Prefix(string Symbol) : Notation;

    /// <summary>A function call: <c>name(a, …)</c> in math, <c>Math.Name(a, …)</c> or <c>MathF.Name(a, …)</c> in C#, <c>Lanes.Name(a, …)</c> for lanes.</summary>
    public sealed record Call(string Name) : Notation;

    /// <summary>Anything else; null where the op has no form in this notation.</summary>
    public sealed record Custom(Func<IExpressionContext, Node, (string Text, int Precedence)?> Write) : Notation;
}
