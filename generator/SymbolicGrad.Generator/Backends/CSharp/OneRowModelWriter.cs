using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;
using SymbolicGrad.Generator.Transforms;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// What a model method's per-sample derived methods (<see cref="ModelJvpWriter"/>, <see cref="ModelHvpWriter"/>) share:
/// a public method taking one sample and buffers laid out like <c>Parameters.Values</c>, whose lengths it checks, then
/// calls a private body running the batch code with one row (<c>NameOfOneRow</c>). That body opens alike in both: its
/// per-thread workspace, the argument checks, every weight's check that it is in the store (layer arrays' elements
/// included), the model's mode, the views, and each weight's tangent as its slice of the direction.
/// </summary>
internal sealed class OneRowModelWriter
{
    private readonly TensorCode _c;
    private readonly List<ParameterInfo> _own;
    private readonly List<string> _weights;
    private readonly string _gradient;

    public OneRowModelWriter(TensorCode c, DerivedPlan derived)
    {
        _c = c;
        var original = derived.Derived.Original;
        var method = derived.Plan.Method;
        int count = original.Parameters.Count;
        // The derived method's parameters: the original's (inputs and weights, in order), then one tangent per weight.
        _own = method.Parameters.Take(count).ToList();
        Inputs = _own.Where((p, k) => !original.Parameters[k].IsField).ToList();
        _weights = _own.Where((p, k) => original.Parameters[k].IsField).Select(p => p.Name).ToList();
        Tangents = method.Parameters.Skip(count).ToList();
        Wrt = original.Parameters.Where(p => p.IsDifferentiable).ToList();
        // Only weights have tangents: the direction holds nothing for a model method's inputs.
        if (Wrt.Any(p => !p.IsField)) throw new System.InvalidOperationException("a model method's differentiable input has no place in the direction");
        Name = method.Name;
        _gradient = original.Name + "Gradient";
    }

    /// <summary>The derived method's name (<c>LossJvp</c>).</summary>
    public string Name { get; }

    /// <summary>The private body running the batch code with one row; DerivativeForms checks that no member takes this name.</summary>
    public string Rows => Name + "OfOneRow";

    /// <summary>The method's per-sample inputs (not its weights), as the derived method names them.</summary>
    public List<ParameterInfo> Inputs { get; }

    /// <summary>One tangent per weight, in the order of <see cref="Wrt"/>.</summary>
    public List<ParameterInfo> Tangents { get; }

    /// <summary>The original method's differentiable parameters: its weights.</summary>
    public List<ParameterInfo> Wrt { get; }

    /// <summary>The public method's inputs: one sample each.</summary>
    public IEnumerable<string> SampleParameters => Inputs.Select(p => ModelMethodWriter.SampleType(_c, p) + " " + p.Name);

    /// <summary>The body's inputs: batches of one row.</summary>
    public IEnumerable<string> RowParameters => Inputs.Select(p => ModelMethodWriter.BatchType(_c, p) + " " + p.Name);

    /// <summary>The public method's samples made batches of one row, the body's arguments.</summary>
    public IEnumerable<string> RowArguments => Inputs.Select(p => ModelMethodWriter.SampleToBatch(_c, p));

    /// <summary>
    /// The documentation of the <c>InvalidOperationException</c> the body's opening (<see cref="WriteOpening"/>) throws
    /// (a weight outside the store) and, with batch norm, of the <c>ArgumentException</c> its training-mode forward
    /// kernel throws where one sample has a single value per channel, as the gradient's does.
    /// </summary>
    public void WriteOpeningExceptionDoc()
    {
        _c.Writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">A weight is not a view into <c>Parameters</c>.</exception>");
        if (!Normalizes) return;
        _c.Writer.WriteLine($"/// <exception cref=\"global::System.ArgumentException\">The model is in training mode and a batch norm has one value per channel in one sample (a vector's batch norm, or an image of one pixel): it has no batch statistics, and <c>{_gradient}</c> refuses it alike.</exception>");
    }

    /// <summary>
    /// With batch norm, one documentation sentence (for the remarks) on training mode: the sample's own statistics, and
    /// the running statistics updated once per call, as one call of the gradient updates them; null without batch norm.
    /// </summary>
    public string? TrainingNormalizationRemark
    {
        get
        {
            var norms = _c.Dag.Nodes.Where(n => n.Op == Op.BatchNorm).ToList();
            if (norms.Count == 0) return null;
            string images = $"In training mode batch normalization of an image normalizes each channel with the sample's own statistics (over its positions) and differentiates through them, as <c>{_gradient}</c> does; each call updates the running statistics once, exactly as one <c>{_gradient}</c> call does.";
            string vectors = $"In training mode a vector's batch normalization has no statistics in one sample: the call throws the <c>ArgumentException</c> <c>{_gradient}</c> throws.";
            bool image = norms.Any(n => n.Value == 1), vector = norms.Any(n => n.Value != 1);
            return image && vector ? images + " " + vectors : image ? images : vectors;
        }
    }

    private bool Normalizes => _c.Dag.Nodes.Any(n => n.Op == Op.BatchNorm);

    /// <summary>The one-row body as the public method calls it: <c>this.</c> where a parameter of its name hides it.</summary>
    public string Callee(string rows) => Inputs.Any(p => Identifiers.Bare(p.Name) == rows) ? "this." + rows : rows;

    /// <summary>Each loop over layers' layer methods (and its first layer's, from the data), before the method.</summary>
    public void WriteLayerMethods(System.Action<LayerLoopPlan, ProgramPlan> write)
    {
        foreach (var loop in _c.Plan.LayerLoops)
        {
            write(loop, loop.Body);
            if (loop.First is { } first) write(loop, first);
        }
    }

    /// <summary>The inputs' documentation: as in the original method.</summary>
    public void WriteInputDocs(string cref)
    {
        foreach (var p in Inputs) _c.Writer.WriteLine($"/// <param name=\"{Identifiers.Bare(p.Name)}\">As in <see cref=\"{cref}\"/>.</param>");
    }

    /// <summary>The check that a buffer laid out like <c>Parameters.Values</c> has <c>Parameters.Count</c> entries, naming it.</summary>
    public void WriteLengthCheck(string buffer)
    {
        string store = _c.Parameters;
        _c.Line($"if ({buffer}.Length != {store}.Count) throw new global::System.ArgumentException($\"{Name}: {buffer} has {{{buffer}.Length}} entries but the model has {{{store}.Count}} parameters (Parameters.Count); lay it out like Parameters.Values.\", \"{buffer}\");");
    }

    /// <summary>
    /// The body's opening, up to the code: the workspace, the checks (<paramref name="missing"/> says what a weight outside
    /// the store has no entries in), the mode, the views, then each weight's tangent, its slice of the direction.
    /// </summary>
    public void WriteOpening(string workspaceType, string missing)
    {
        var c = _c;
        var names = c.Names;
        string store = c.Parameters, direction = ForwardMode.Direction;
        c.Line($"var {names.Workspace} = {names.CachedWorkspace} ??= new {workspaceType}();");
        var perSample = new HashSet<string>(Inputs.Select(p => p.Name));
        ArgumentChecks.Write(c, declareSizes: true, p => perSample.Contains(p.Name), oneRow: true);
        foreach (string weight in _weights)
        {
            c.Line($"if (!{store}.Contains({weight})) throw new global::System.InvalidOperationException(\"{Name}: {Identifiers.Bare(weight)} is not a view into Parameters, so {missing} no entries for it.\");");
        }
        foreach (var loop in c.Plan.LayerLoops)
        {
            // Every layer's weights (elements of layer arrays, fields the layers read) must be in the store.
            string i = c.Index, bound = loop.Loop.Bound;
            foreach (string weight in LayerLoopWriter.WeightsOf(loop, i).Distinct())
            {
                string message = $"\"{Name}: \" + {(weight.EndsWith($"[{i}]") ? $"$\"{Identifiers.Bare(weight.Substring(0, weight.Length - i.Length - 2))}[{{{i}}}]\"" : $"\"{Identifiers.Bare(weight)}\"")} + \" is not a view into Parameters, so {missing} no entries for it.\"";
                string test = $"if (!{store}.Contains({weight})) throw new global::System.InvalidOperationException({message});";
                c.Line(weight.EndsWith($"[{i}]") ? $"for (int {i} = 0; {i} < {bound}.Length; {i}++) {test}" : test);
            }
        }
        WriteMode();
        foreach (var parameter in _own.Where(p => c.Dag[p.Input].Rank > 0))
        {
            c.Line($"var {c.View(parameter.Name)} = {parameter.Name}.Span;");
        }
        for (int k = 0; k < Tangents.Count; k++)
        {
            string of = Wrt[k].Name;
            c.Line($"var {c.View(Tangents[k].Name)} = {direction}.Slice({of}.Offset, {of}.Length); // the tangent of {Identifiers.Bare(of)}");
        }
    }

    /// <summary>
    /// The model's mode, read once: dropout in training mode takes the next random stream, as the gradient does, and so
    /// draws the masks <c>NameGradient</c> would at the same <c>RandomStep</c>; batch norm's kernels read it too (the
    /// sample's statistics in training mode, as the gradient's; where it has one value per channel, the kernel throws as
    /// it does for the gradient).
    /// </summary>
    private void WriteMode()
    {
        var c = _c;
        var layers = c.Layers;
        if (layers.Training is not { } training) return;
        c.Line($"bool {training} = {c.Names.Workspace}.{training} = (({FileLayout.Runtime}.Model)this).Training;");
        if (layers.Stream is { } stream)
        {
            c.Line($"ulong {stream} = {c.Names.Workspace}.{stream} = {training} ? {c.Kernels}.NextRandomStream(this) : 0UL; // dropout masks: one stream per training-mode call, as the gradient takes");
        }
    }
}
