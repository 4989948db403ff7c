namespace SymbolicGrad.Generator.Ir;

internal static partial class OpTable
{
    private static readonly Notation Literal = new Notation.Custom((c, n) => Literals.Format(n.Value, n.Kind, c.IsMath));

    public static readonly OpDef Constant = new(Op.Constant, "constant", OpTraits.Leaf)
    {
        Pushforward = NoTangent,
        Math = Literal,
        CSharp = Literal,
    };

    public static readonly OpDef Input = new(Op.Input, "input", OpTraits.Leaf)
    {
        // An input's tangent is the seed the tangent sweep gives it; the other leaves are constants.
        Pushforward = NoTangent,
        Math = Text((c, n) => Identifiers.Bare(n.Name!)),
        CSharp = Text((c, n) => n.Name!),
    };

    /// <summary>A static readonly field: its full C# name in code, its own name in math.</summary>
    public static readonly OpDef External = new(Op.External, "external", OpTraits.Leaf)
    {
        Pushforward = NoTangent,
        Math = Text((c, n) => n.Name!.Substring(n.Name.LastIndexOf('.') + 1)),
        CSharp = Text((c, n) => n.Name!),
    };

    /// <summary>1/B, each sample's share of the mean loss (a local of the backward pass).</summary>
    public static readonly OpDef SampleWeight = new(Op.SampleWeight, "sampleWeight", OpTraits.Leaf)
    {
        Pushforward = NoTangent,
        Math = Text((c, n) => c.SampleWeight),
        CSharp = Text((c, n) => c.SampleWeight),
    };

    /// <summary>An element count as a number (the n of a mean).</summary>
    public static readonly OpDef Length = new(Op.Length, "length", OpTraits.Leaf)
    {
        Pushforward = NoTangent,
        Math = Text((c, n) => c.Dim(n.Dim!)),
        CSharp = new Notation.Custom((c, n) => n.Kind == ScalarKind.Int32
            ? (c.Dim(n.Dim!), Precedence.Multiplicative) // a product of extents at most
            : ("(" + n.Kind.Keyword() + ")" + c.Dim(n.Dim!), Precedence.Unary)),
    };
}
