using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// What the methods of one layer of a loop over layers share, whether they are its passes, its Jvp or its Hvp: the
/// parameters (the carried vector, its tangent where there is one, the counter, the layer arrays' elements, then each
/// weight's tangent as a span), the argument check every pass starts with, the method headers, and how their
/// documentation names the layer.
/// </summary>
internal sealed class LayerSignature
{
    private const string Runtime = FileLayout.Runtime;

    private readonly TensorCode _c;
    private readonly HashSet<string> _tangents;

    /// <param name="c">The layer's code (its plan: the layer's passes, Jvp or Hvp).</param>
    /// <param name="loop">The loop the layer belongs to.</param>
    /// <param name="tangents">The weights' tangents among the method's parameters, in order: spans the code reads as views; none for the layer's passes.</param>
    public LayerSignature(TensorCode c, LayerLoopPlan loop, IReadOnlyList<string> tangents)
    {
        _c = c;
        var dag = c.Dag;
        var body = c.Method.Layer!;
        _tangents = new HashSet<string>(tangents);
        Carried = dag[body.Carried].Name!;
        Counter = dag[body.Counter].Name!;
        CarriedTangent = body.CarriedTangent < 0 ? null : dag[body.CarriedTangent].Name!;
        string elements = string.Concat(loop.Loop.Elements.Select(e => $", {Runtime}.{(e.Rank == 1 ? "Vec" : "Mat")} {e.Name}"));
        string elementArguments = string.Concat(loop.Loop.Elements.Select(e => ", " + e.Name));
        string carriedTangent = CarriedTangent is null ? "" : $", {Runtime}.Mat {CarriedTangent}";
        string spans = string.Concat(tangents.Select(t => $", global::System.ReadOnlySpan<float> {c.View(t)}"));
        Parameters = $"{Runtime}.Mat {Carried}{carriedTangent}, int {Counter}{elements}{spans}";
        Arguments = string.Join(", ", new[] { Carried }.Concat(CarriedTangent is null ? new string[0] : new[] { CarriedTangent }).Append(Counter)
            .Concat(loop.Loop.Elements.Select(e => e.Name)).Concat(tangents.Select(c.View)));
        // The check reads only the carried vector's width, so the method's own check can run it for every layer up front.
        CarriedWidth = c.Names.Dims.FirstOrDefault(d => d.Dim == dag[body.Carried].Shape!.Length)?.Name ?? Carried + "Cols";
        CheckParameters = $"int {CarriedWidth}, int {Counter}{elements}";
        Check = $"{loop.Loop.Body.Name}CheckArguments({Carried}.Cols, {Counter}{elementArguments});";
        string bound = Identifiers.Bare(loop.Loop.Bound), cref = c.Method.DocumentationId;
        OneLayer = $"one layer of the loop over {bound} in <see cref=\"{cref}\"/>";
        FirstLayer = $"the first layer of the loop over {bound} in <see cref=\"{cref}\"/>";
        Weights = string.Join(", ", LayerLoopWriter.WeightsOf(loop, Counter).Select(Identifiers.Bare));
    }

    /// <summary>The carried vector (<c>h</c>), the layer's input.</summary>
    public string Carried { get; }

    /// <summary>The loop's counter.</summary>
    public string Counter { get; }

    /// <summary>The carried vector's tangent, in a layer's Jvp or Hvp; null elsewhere and where the layer starts from the data.</summary>
    public string? CarriedTangent { get; }

    /// <summary>The parameters every method of the layer takes after its workspace.</summary>
    public string Parameters { get; }

    /// <summary>The names of <see cref="Parameters"/>, in order: how a layer's method passes its own on to one of its forms'.</summary>
    public string Arguments { get; }

    /// <summary>The parameter of the layer's argument check holding the carried vector's width (<c>hCols</c>).</summary>
    public string CarriedWidth { get; }

    /// <summary>The parameters of the layer's argument check: the carried vector's width, the counter, the layer arrays' elements.</summary>
    public string CheckParameters { get; }

    /// <summary>The call to the layer's argument check (written with its passes), every method's first line.</summary>
    public string Check { get; }

    /// <summary>The layer as its documentation names it: "one layer of the loop over W in …".</summary>
    public string OneLayer { get; }

    /// <summary>The first layer, run from the data, as its documentation names it.</summary>
    public string FirstLayer { get; }

    /// <summary>The weights the layer reads, in the order of their tangents, for the documentation.</summary>
    public string Weights { get; }

    /// <summary>Whether a pass declares a view of <paramref name="p"/>: not of a weight's tangent, a span already.</summary>
    public bool DeclaresView(ParameterInfo p) => !_tangents.Contains(p.Name);

    /// <summary>
    /// A method's documentation and header: <c>private void NameSuffix(NameWorkspace workspace, &lt;the parameters&gt;&lt;more&gt;)</c>.
    /// </summary>
    /// <param name="summary">The documentation's summary.</param>
    /// <param name="suffix">What follows the layer method's name (<c>ForwardBatch</c> …).</param>
    /// <param name="more">Parameters after the layer's own.</param>
    /// <param name="workspaceType">The workspace's class, where it is not the method's own (a layer's form shares its layer's).</param>
    public void WriteHeader(string summary, string suffix, string more = "", string? workspaceType = null)
    {
        string name = _c.Method.Name;
        _c.Line($"/// <summary>{summary}</summary>");
        _c.Line(FileLayout.GeneratedCode);
        _c.Line($"private void {name}{suffix}({workspaceType ?? name + "Workspace"} {_c.Names.Workspace}, {Parameters}{more})");
    }
}
