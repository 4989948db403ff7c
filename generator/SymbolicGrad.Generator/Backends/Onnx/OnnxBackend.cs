using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.Onnx;

/// <summary>The model's <c>IOnnxExportable.DescribePrediction</c>: its lines, and SG0080 when it can only throw.</summary>
internal sealed record OnnxMember(IReadOnlyList<string> Lines, DiagnosticInfo? NotExportable);

/// <summary>
/// The ONNX backend: from the forward DAG of a model method, the C# that describes its prediction to the runtime's
/// <c>OnnxGraph</c> — a graph input per Vec parameter it reads, the fields it reads as weights, one ONNX node (or a few)
/// per IR node by <see cref="OnnxForms"/>, and the output. The runtime supplies the weights' values at export time.
/// </summary>
internal static class OnnxBackend
{
    private const string Services = "global::SymbolicGrad.CompilerServices";

    /// <summary>The member, or null when the method has no prediction to export.</summary>
    public static OnnxMember? Write(ProgramPlan plan)
    {
        var method = plan.Method;
        if (method.Kind != MethodKind.ModelMethod || method.Prediction is not { } prediction) return null;
        var dag = method.Graph;
        var reachable = dag.Reachable(new[] { prediction.Node });
        var fields = new HashSet<string>(method.Parameters.Where(p => p.IsField).Select(p => p.Name));

        var names = new NameAllocator();
        foreach (string name in method.ScopeNames) names.Reserve(name);
        foreach (var field in fields) names.Reserve(field);
        foreach (var loop in method.LayerLoops)
        {
            // The unrolling loop's counter and its locals of the layer arrays' elements keep the layer's names (dimensions read them).
            names.Reserve(loop.Counter);
            foreach (var element in loop.Elements) names.Reserve(element.Name);
        }
        string graph = names.Allocate("graph");
        // The output's name is the graph's alone: no weight, input or node of the graph takes it.
        var graphNames = new HashSet<string>(method.Parameters.Select(p => Identifiers.Bare(p.Name)));
        string outputName = prediction.OutputName;
        while (graphNames.Contains(outputName)) outputName += "_output";
        names.Reserve(outputName);
        string signature = $"void {Services}.IOnnxExportable.DescribePrediction({Services}.OnnxGraph {graph})";
        var lines = new List<string>
        {
            $"/// <summary>Describes the prediction of <see cref=\"{method.DocumentationId}\"/> ({prediction.OutputName}) for <see cref=\"global::SymbolicGrad.Onnx\"/>: the inputs it reads, the model's fields as weights, its operations and its output.</summary>",
        };

        string? reason = WhyNot(method, dag, reachable, prediction, fields);
        if (reason is not null) return NotExportable(method, lines, signature, reason);

        var known = KnownDims(method, fields);
        var writer = new GraphWriter(dag, reachable, graph, fields, Enumerable.Empty<ElementField>(), (-1, null), known, method.QualifyMath);
        var body = new List<string>();
        var planNames = NamesOf(plan);
        foreach (var loop in method.LayerLoops) body.AddRange(LayerArrayChecks(loop));
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            if (n.Op == Op.Input && !fields.Contains(n.Name!))
            {
                string local = names.Allocate(n.Name!);
                string bare = Identifiers.Bare(n.Name!);
                string length = InputLength(writer, n.Shape!.Length);
                if (length == "-1" && FirstLayerLength(method, dag, reachable, id) is { } first) length = first;
                body.Add($"var {local} = {graph}.Input({Literals.String(bare)}, {writer.Type(n.Kind)}, {length});");
                writer.Bind(id, local);
            }
            else if (n.Op == Op.LayerLoop)
            {
                var loop = plan.LayerLoops.First(l => l.Loop.Index == (int)n.Value);
                string local = names.Allocate(planNames.TryGetValue(id, out string? planned) ? planned : "layers");
                body.Add($"var {local} = {writer.Operand(n[0])};");
                body.AddRange(LayerLoop(loop, local, graph, names, known, method.QualifyMath, writer.UnknownDims));
                writer.Bind(id, local);
            }
            else if (writer.NeedsLocal(id))
            {
                // Values the C# passes compute inline are named after their op (add, max).
                string local = names.Allocate(planNames.TryGetValue(id, out string? planned) ? planned : OpName(n.Op));
                body.Add(writer.Define(id, local)!);
            }
        }
        var output = dag[prediction.Node];
        string outputLength = output.Rank == 1 ? InputLength(writer, output.Shape!.Length) : "1";
        body.Add($"{graph}.Output({Literals.String(outputName)}, {writer.Operand(prediction.Node)}, {writer.Type(output.Kind)}, {outputLength});");
        if (writer.UnknownDims.Count > 0)
        {
            // A length only a sample tells (a slice of a vector whose length no weight gives) has no place in a graph written before any sample.
            string what = writer.UnknownDims[0] is Dim.Extent extent ? $"of '{Identifiers.Bare(extent.Tensor.Name)}'" : DimText.Of(writer.UnknownDims[0], bare: true);
            return NotExportable(method, lines, signature, $"it reads the length {what}, which only a sample tells");
        }
        lines.Add(signature);
        lines.Add("{");
        lines.AddRange(body.Select(line => "    " + line));
        lines.Add("}");
        return new OnnxMember(lines, null);
    }

    /// <summary>
    /// A loop over layers, unrolled at export time by a C# loop over the layer arrays: each layer's statements, its
    /// elements of the arrays as weights <c>W[l]</c>, and the carried vector <paramref name="carried"/> rebound to its output.
    /// </summary>
    private static IEnumerable<string> LayerLoop(LayerLoopPlan plan, string carried, string graph, NameAllocator names,
        System.Func<Dim, bool> known, bool qualifyMath, List<Dim> unknown)
    {
        var loop = plan.Loop;
        var layer = loop.Body.Layer!;
        var dag = loop.Body.Graph;
        var reachable = dag.Reachable(new[] { loop.Body.Output });
        var fields = new HashSet<string>(loop.Body.Parameters.Where(p => p.IsField).Select(p => p.Name).Except(loop.Elements.Select(e => e.Name)));
        var elements = new HashSet<string>(loop.Elements.Select(e => e.Name));
        bool Known(Dim dim) => known(dim) || ReadsOnly(dim, elements);
        var writer = new GraphWriter(dag, reachable, graph, fields, loop.Elements, (layer.Counter, loop.Counter), Known, qualifyMath);
        writer.Bind(layer.Carried, carried);
        var planNames = NamesOf(plan.Body);
        var lines = new List<string>();
        string bound = loop.Bound;
        lines.Add($"for (int {loop.Counter} = 0; {loop.Counter} < {bound}.Length; {loop.Counter}++)");
        lines.Add("{");
        foreach (var element in loop.Elements) lines.Add($"    var {element.Name} = {element.Array}[{loop.Counter}];");
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || !writer.NeedsLocal(id)) continue;
            string local = names.Allocate(planNames.TryGetValue(id, out string? planned) ? planned : OpName(dag[id].Op));
            lines.Add("    " + writer.Define(id, local));
        }
        lines.Add($"    {carried} = {writer.Operand(loop.Body.Output)};");
        lines.Add("}");
        unknown.AddRange(writer.UnknownDims);
        return lines;
    }

    /// <summary>What the layers' own code checks before they run: a layer to export, and an element of every array per layer.</summary>
    private static IEnumerable<string> LayerArrayChecks(LayerLoopModel loop)
    {
        string bound = loop.Bound, boundName = Identifiers.Bare(bound);
        yield return $"if ({bound}.Length == 0) throw new global::System.InvalidOperationException(\"The loop over {boundName} has no layer to export: {boundName} is empty.\");";
        foreach (var array in loop.Elements.Select(e => e.Array).Where(a => a != bound).Distinct())
        {
            yield return $"if ({array}.Length < {bound}.Length) throw new global::System.InvalidOperationException($\"The loop over {boundName} runs {{{bound}.Length}} layers, but {Identifiers.Bare(array)} has {{{array}.Length}}.\");";
        }
    }

    /// <summary>
    /// The length of an input a loop over layers starts from, read from the first layer's weights (<c>W[0].Cols</c>), or null.
    /// </summary>
    private static string? FirstLayerLength(MethodModel method, Dag dag, bool[] reachable, int input)
    {
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id] || dag[id].Op != Op.LayerLoop || dag[id][0] != input) continue;
            var loop = method.LayerLoops.FirstOrDefault(l => l.Index == (int)dag[id].Value);
            if (loop?.Body.Layer is not { } layer) continue;
            var body = loop.Body.Graph;
            var elements = loop.Elements.ToDictionary(e => e.Name);
            var dims = new DimClasses(body, body.Reachable(new[] { loop.Body.Output }));
            var length = dims.Resolve(body[layer.Carried].Shape!.Length, d => d is Dim.Extent { Tensor.Element: < 0, Tensor.LastOf: null } e && elements.ContainsKey(e.Tensor.Name));
            if (length is Dim.Extent extent) return $"{elements[extent.Tensor.Name].Array}[0].{extent.Axis}";
        }
        return null;
    }

    private static Dictionary<int, string> NamesOf(ProgramPlan plan) => plan.NodeNames.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.First().Name);

    /// <summary>An input's or the output's length: known from the weights, or -1 (a named dimension of the graph).</summary>
    private static string InputLength(GraphWriter writer, Dim dim)
    {
        int before = writer.UnknownDims.Count;
        string text = writer.Dim(dim);
        if (writer.UnknownDims.Count == before) return text;
        writer.UnknownDims.RemoveAt(before);
        return "-1";
    }

    /// <summary>The dimensions known at export time: those of the model's fields, layer fields and layer arrays.</summary>
    private static System.Func<Dim, bool> KnownDims(MethodModel method, HashSet<string> fields)
    {
        var tensors = new HashSet<string>(fields);
        foreach (var loop in method.LayerLoops)
        {
            tensors.Add(loop.Bound);
            foreach (var element in loop.Elements) tensors.Add(element.Array);
            foreach (var field in loop.Body.Parameters.Where(p => p.IsField)) tensors.Add(field.Name);
        }
        return dim => ReadsOnly(dim, tensors);
    }

    private static OnnxMember NotExportable(MethodModel method, List<string> lines, string signature, string reason)
    {
        string message = $"{method.Name}: the prediction cannot be exported to ONNX: {reason}.";
        lines.Add($"{signature} =>");
        lines.Add($"    throw new global::System.NotSupportedException({Literals.String(message)});");
        return new OnnxMember(lines, DiagnosticInfo.Create(DiagnosticCatalogue.NotExportable, method.Location, method.Name, reason));
    }

    private static string OpName(Op op)
    {
        string name = op.ToString();
        return char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>Why the prediction cannot be exported (naming the op or value), or null.</summary>
    private static string? WhyNot(MethodModel method, Dag dag, bool[] reachable, PredictionInfo prediction, HashSet<string> fields)
    {
        var output = dag[prediction.Node];
        if (!output.Batched) return $"'{prediction.OutputName}' does not depend on an input of the method";
        if (output.Rank > 1) return $"'{prediction.OutputName}' is a matrix";
        return WhyNotNodes(method, dag, reachable, fields, null);
    }

    /// <summary>Why a node of the DAG (or of a layer it loops over) has no ONNX form, or null.</summary>
    private static string? WhyNotNodes(MethodModel method, Dag dag, bool[] reachable, HashSet<string> fields, LayerBody? layer)
    {
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            if (n.Op == Op.Input)
            {
                if (fields.Contains(n.Name!) || (layer is not null && (id == layer.Carried || id == layer.Counter))) continue;
                if (layer is null && n.Rank == 1 && n.Batched && n.Kind == ScalarKind.Single) continue;
                return $"it reads the parameter '{Identifiers.Bare(n.Name!)}', and only Vec parameters become inputs of the graph";
            }
            if (n.Op == Op.LayerLoop && layer is null && method.LayerLoops.FirstOrDefault(l => l.Index == (int)n.Value) is { } loop)
            {
                var body = loop.Body;
                var bodyFields = new HashSet<string>(body.Parameters.Where(p => p.IsField).Select(p => p.Name));
                if (WhyNotNodes(method, body.Graph, body.Graph.Reachable(new[] { body.Output }), bodyFields, body.Layer) is { } inLayer) return inLayer;
                continue;
            }
            if (OnnxForms.Unsupported(dag, n) is { } reason) return reason;
        }
        return null;
    }

    /// <summary>Whether a dimension reads only <paramref name="tensors"/> (the model's fields: known at export time, without a sample).</summary>
    private static bool ReadsOnly(Dim dim, HashSet<string> tensors) => dim switch
    {
        Dim.Constant => true,
        Dim.Extent { Tensor.LastOf: { } bound } e => e.Tensor.Element < 0 && tensors.Contains(bound) && tensors.Contains(e.Tensor.Name),
        Dim.Extent e => e.Tensor.Element < 0 && tensors.Contains(e.Tensor.Name),
        Dim.Sum s => ReadsOnly(s.Left, tensors) && ReadsOnly(s.Right, tensors),
        Dim.Product p => ReadsOnly(p.Left, tensors) && ReadsOnly(p.Right, tensors),
        Dim.LayerMember => true, // a layer field's geometry (conv1.OutChannels)
        Dim.Window w => ReadsOnly(w.Size, tensors) && ReadsOnly(w.Kernel, tensors) && ReadsOnly(w.Stride, tensors) && ReadsOnly(w.Padding, tensors),
        _ => false,
    };
}
