using System;
using System.Collections.Generic;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The math notation of the comments (<c>∂f/∂z = exp · cos(z)</c>): named values by their names, adjoints as ∂f/∂v,
/// dimensions as the expressions that read them.
/// </summary>
internal sealed class MathPrinter : ExpressionPrinter
{
    private readonly Func<int, (string Name, string? AdjointOf)?> _named;
    private readonly string _result;

    /// <param name="dag">The graph.</param>
    /// <param name="named">The name of a stored value, and for an adjoint the value it is the adjoint of.</param>
    /// <param name="result">The result's name in ∂result/∂v.</param>
    /// <param name="sampleWeight">How 1/B is named.</param>
    public MathPrinter(Dag dag, Func<int, (string Name, string? AdjointOf)?> named, string result, string sampleWeight) : base(dag)
    {
        _named = named;
        _result = result;
        SampleWeight = sampleWeight;
    }

    public override bool IsMath => true;

    public override string Index => "i";

    public override string SampleWeight { get; }

    public override string MathClass(ScalarKind kind) => "";

    public override string Dim(Dim dim) => DimText.Of(dim, bare: true);

    public override string Element(int node, string index) => Print(node) + "[" + index + "]";

    protected override string? Reference(int node) =>
        _named(node) is { } named ? named.AdjointOf is { } primal ? $"∂{_result}/∂{primal}" : named.Name : null;
}
