using System.Collections.Generic;
using System.Globalization;
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
        if (reason is not null)
        {
            string message = $"{method.Name}: the prediction cannot be exported to ONNX: {reason}.";
            lines.Add($"{signature} =>");
            lines.Add($"    throw new global::System.NotSupportedException({Literals.String(message)});");
            return new OnnxMember(lines, DiagnosticInfo.Create(DiagnosticCatalogue.NotExportable, method.Location, method.Name, reason));
        }

        var context = new Context(dag, graph, fields);
        var dims = new DimClasses(dag, reachable);
        string Length(Dim dim) => dims.Resolve(dim, d => ReadsOnly(d, fields)) is { } known ? DimText.Of(known) : "-1";
        var planNames = plan.NodeNames.GroupBy(n => n.Node).ToDictionary(g => g.Key, g => g.First().Name);
        lines.Add(signature);
        lines.Add("{");
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            if (n.Op == Op.Input && !fields.Contains(n.Name!))
            {
                string local = names.Allocate(n.Name!);
                string bare = Identifiers.Bare(n.Name!);
                lines.Add($"    var {local} = {graph}.Input({Literals.String(bare)}, {context.Type(n.Kind)}, {Length(n.Shape!.Length)});");
                context.Locals[id] = local;
            }
            else if (!OpTable.Of(n.Op).Is(OpTraits.Leaf))
            {
                // Values the C# passes compute inline are named after their op (add, max).
                string local = names.Allocate(planNames.TryGetValue(id, out string? planned) ? planned : OpName(n.Op));
                context.Hint = Identifiers.Bare(local);
                lines.Add($"    var {local} = {OnnxForms.Of(n.Op)(context, n)};");
                context.Locals[id] = local;
            }
        }
        var output = dag[prediction.Node];
        string outputLength = output.Rank == 1 ? Length(output.Shape!.Length) : "1";
        lines.Add($"    {graph}.Output({Literals.String(outputName)}, {context.Operand(prediction.Node)}, {context.Type(output.Kind)}, {outputLength});");
        lines.Add("}");
        return new OnnxMember(lines, null);
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
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            if (n.Op == Op.Input)
            {
                if (fields.Contains(n.Name!)) continue;
                if (n.Rank == 1 && n.Batched && n.Kind == ScalarKind.Single) continue;
                return $"it reads the parameter '{Identifiers.Bare(n.Name!)}', and only Vec parameters become inputs of the graph";
            }
            if (OnnxForms.Unsupported(dag, n) is { } reason) return reason;
        }
        return null;
    }

    /// <summary>Whether a dimension reads only the model's fields (known at export time, without a sample).</summary>
    private static bool ReadsOnly(Dim dim, HashSet<string> fields) => dim switch
    {
        Dim.Constant => true,
        Dim.Extent e => e.Tensor.Element < 0 && fields.Contains(e.Tensor.Name),
        Dim.Sum s => ReadsOnly(s.Left, fields) && ReadsOnly(s.Right, fields),
        Dim.Product p => ReadsOnly(p.Left, fields) && ReadsOnly(p.Right, fields),
        _ => false,
    };

    /// <summary>The forms' view of the method being written.</summary>
    private sealed class Context : IOnnxContext
    {
        private readonly Dag _dag;
        private readonly HashSet<string> _fields;

        public Context(Dag dag, string graph, HashSet<string> fields)
        {
            _dag = dag;
            Graph = graph;
            _fields = fields;
        }

        public Dictionary<int, string> Locals { get; } = new();

        /// <summary>The name the node being written asks for its ONNX value.</summary>
        public string Hint { get; set; } = "v";

        public Node this[int node] => _dag[node];

        public string Graph { get; }

        public string Operand(int node)
        {
            if (Locals.TryGetValue(node, out string? local)) return local;
            var n = _dag[node];
            if (n.Op == Op.Input && _fields.Contains(n.Name!)) return $"{Graph}.Weight({Literals.String(Identifiers.Bare(n.Name!))}, {n.Name})";
            return OnnxForms.Of(n.Op)(this, n);
        }

        public string Node(string opType, string[] inputs, params string[] attributes) =>
            $"{Graph}.Node({Literals.String(opType)}, {Literals.String(Hint)}, new[] {{ {string.Join(", ", inputs)} }}{string.Concat(attributes.Select(a => ", " + a))})";

        public string Apply(string opType, params string[] inputs) => Node(opType, inputs);

        public string Constant(double value, ScalarKind kind) => $"{Graph}.Constant({Literals.Format(value, kind, math: false).Text})";

        public string Int64s(params string[] values) => $"{Graph}.Int64s({string.Join(", ", values)})";

        public string Int(string name, long value) => $"{Services}.OnnxAttribute.Int({Literals.String(name)}, {value.ToString(CultureInfo.InvariantCulture)})";

        public string Ints(string name, params long[] values) =>
            $"{Services}.OnnxAttribute.Ints({Literals.String(name)}, {string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))})";

        public string Dim(Dim dim) => DimText.Of(dim);

        public string Type(ScalarKind kind) => kind switch
        {
            ScalarKind.Double => Services + ".OnnxType.Double",
            ScalarKind.Int32 => Services + ".OnnxType.Int32",
            ScalarKind.Boolean => Services + ".OnnxType.Bool",
            _ => Services + ".OnnxType.Float",
        };
    }
}
