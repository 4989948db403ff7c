using System;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Writes nodes as C# expressions: stored values by their names (or, in element loops, the element being computed),
/// everything else inline from its op's notation.
/// </summary>
internal sealed class CodePrinter : ExpressionPrinter
{
    private readonly Func<int, string?> _reference;
    private readonly Func<Dim, string> _dim;
    private readonly Func<int, string, string> _element;
    private readonly bool _qualifyMath;
    private readonly Func<string> _sampleWeight;

    /// <param name="dag">The graph.</param>
    /// <param name="reference">How the code reads a node that is not written inline, or null to inline it.</param>
    /// <param name="qualifyMath">Write <c>global::System.Math</c> (a type named Math is in scope).</param>
    /// <param name="dim">A dimension's value.</param>
    /// <param name="element">Element (row being computed, index) of a vector.</param>
    /// <param name="index">The element loop's index.</param>
    /// <param name="sampleWeight">The local holding 1/B.</param>
    public CodePrinter(Dag dag, Func<int, string?> reference, bool qualifyMath, Func<Dim, string>? dim = null,
        Func<int, string, string>? element = null, string index = "i", Func<string>? sampleWeight = null) : base(dag)
    {
        _reference = reference;
        _qualifyMath = qualifyMath;
        _dim = dim ?? (d => DimText.Of(d));
        _element = element ?? ((node, i) => Print(node) + "[" + i + "]");
        Index = index;
        _sampleWeight = sampleWeight ?? (() => "sampleWeight");
    }

    public override bool IsMath => false;

    public override string Index { get; }

    public override string SampleWeight => _sampleWeight();

    public override string MathClass(ScalarKind kind) =>
        (_qualifyMath ? "global::System." : "") + (kind == ScalarKind.Single ? "MathF" : "Math");

    public override string Dim(Dim dim) => _dim(dim);

    public override string Element(int node, string index) => _element(node, index);

    protected override string? Reference(int node) => _reference(node);
}
