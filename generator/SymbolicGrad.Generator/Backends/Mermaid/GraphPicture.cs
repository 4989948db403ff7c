using System.Collections.Generic;

namespace SymbolicGrad.Generator.Backends.Mermaid;

/// <summary>How a box of the picture is drawn, by what the value is and where it lives.</summary>
internal enum BoxStyle
{
    /// <summary>A parameter of the method or a model's weight.</summary>
    Input,
    /// <summary>A forward value the backward pass does not read.</summary>
    Forward,
    /// <summary>A forward value kept in memory (a local, a buffer, the tape) for the backward pass.</summary>
    Stored,
    /// <summary>A forward value the backward pass computes again instead of keeping it.</summary>
    Recomputed,
    /// <summary>A value written over the buffer of an operand that nothing reads afterwards.</summary>
    Overwrites,
    /// <summary>A value of the backward pass.</summary>
    Backward,
    /// <summary>A parameter's gradient, as the backward pass hands it out.</summary>
    Gradient,
}

/// <summary>A box: one value of the generated code, with its math and what the plan decided about it.</summary>
/// <param name="Id">Its Mermaid id (letters and digits only).</param>
/// <param name="Math">The value as the comments of the generated code write it (<c>z = phi0 + 0.06 · phi1 · x</c>).</param>
/// <param name="Group">The group (pass or loop) it is drawn in; null for the inputs.</param>
internal sealed class Box
{
    public Box(string id, string math, BoxStyle style, string? group)
    {
        Id = id;
        Math = math;
        Style = style;
        Group = group;
    }

    public string Id { get; }

    public string Math { get; }

    public BoxStyle Style { get; set; }

    public string? Group { get; }

    /// <summary>Short notes under the math: stored, recomputed, overwrites …</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Whether it belongs to the forward pass (inputs excepted), so that a backward reader makes it stored.</summary>
    public bool IsForward { get; set; }
}

/// <summary>A group of boxes drawn together: a pass, or a loop inside one.</summary>
internal sealed record BoxGroup(string Id, string Title, string? Parent);

/// <summary>An arrow from the value read to the value that reads it.</summary>
/// <param name="Label">A word on the arrow (<c>next</c>, <c>restores</c>), or null.</param>
/// <param name="Dashed">Drawn dashed: not a read of the same iteration (a loop's next value, a value restored from the tape).</param>
internal sealed record Arrow(string From, string To, string? Label, bool Dashed);

/// <summary>The picture of a method's forward and backward graph, before it is written as Mermaid text.</summary>
internal sealed class GraphPicture
{
    public List<BoxGroup> Groups { get; } = new();

    public List<Box> Boxes { get; } = new();

    public List<Arrow> Arrows { get; } = new();
}
