using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SymbolicGrad.Generator.Backends.CSharp;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.Onnx;

/// <summary>
/// Writes the statements describing one DAG to the runtime's <c>OnnxGraph</c> — a model method's prediction, or one layer
/// of a loop over layers, written inside the C# loop that unrolls it at export time. Each non-leaf node becomes a local:
/// an <c>OnnxValue</c> from its <see cref="OnnxForms"/> entry, or, for a scalar known at export time (the counter, a
/// length, a comparison of them), a C# value. Values are [batch, n] between ops; an image op's result stays
/// [batch, C, H, W] and is flattened where a vector op reads it.
/// </summary>
internal sealed class GraphWriter : IOnnxContext
{
    private const string Services = "global::SymbolicGrad.CompilerServices";

    private readonly Dag _dag;
    private readonly HashSet<string> _fields;
    private readonly Dictionary<string, ElementField> _elements;
    private readonly int _counter;
    private readonly string? _counterName;
    private readonly DimClasses _dims;
    private readonly System.Func<Dim, bool> _known;
    private readonly CodePrinter _printer;
    private readonly Dictionary<int, string> _locals = new();
    private readonly Dictionary<int, string> _knownLocals = new();
    private readonly HashSet<int> _images = new();
    private readonly Dictionary<int, bool> _isKnown = new();
    private bool _keepImages;

    /// <param name="dag">The graph.</param>
    /// <param name="reachable">The nodes the prediction (or the layer's output) reads.</param>
    /// <param name="graph">The generated method's <c>OnnxGraph</c> parameter.</param>
    /// <param name="fields">The model's fields the DAG reads (its weights).</param>
    /// <param name="elements">In a layer: the layer arrays' elements it reads, by their input's name.</param>
    /// <param name="counter">In a layer: the counter's input node and its C# name (the unrolling loop's variable); else -1.</param>
    /// <param name="known">The dimensions readable at export time, without a sample.</param>
    /// <param name="qualifyMath">Write <c>global::System.Math</c>.</param>
    public GraphWriter(Dag dag, bool[] reachable, string graph, HashSet<string> fields, IEnumerable<ElementField> elements,
        (int Node, string? Name) counter, System.Func<Dim, bool> known, bool qualifyMath)
    {
        _dag = dag;
        Graph = graph;
        _fields = fields;
        _elements = elements.ToDictionary(e => e.Name);
        _counter = counter.Node;
        _counterName = counter.Name;
        _dims = new DimClasses(dag, reachable);
        _known = known;
        _printer = new CodePrinter(dag, Reference, qualifyMath, Dim);
    }

    /// <summary>The dimensions a form asked for that are not known at export time (the prediction cannot be exported).</summary>
    public List<Dim> UnknownDims { get; } = new();

    /// <summary>The name the node being written asks for its ONNX value.</summary>
    public string Hint { get; set; } = "v";

    public Node this[int node] => _dag[node];

    public string Graph { get; }

    /// <summary>Gives a node a value written elsewhere (a layer's carried vector: the unrolling loop's variable).</summary>
    public void Bind(int node, string local) => _locals[node] = local;

    /// <summary>
    /// The statement defining node <paramref name="id"/> as <paramref name="local"/>, or null when the node is read
    /// in place (a leaf, or a value bound elsewhere).
    /// </summary>
    public string? Define(int id, string local)
    {
        var n = _dag[id];
        if (_locals.ContainsKey(id) || OpTable.Of(n.Op).Is(OpTraits.Leaf)) return null;
        Hint = Identifiers.Bare(local);
        if (IsKnown(id))
        {
            string definition = _printer.PrintDefinition(id);
            _knownLocals[id] = local;
            return $"var {local} = {definition};";
        }
        // An element-wise op (ReLU) or a view of images stays an image: no reshape to a row and back before the next layer.
        _keepImages = KeepsImage(n);
        string value = OnnxForms.Of(n.Op)(this, n);
        _keepImages = false;
        _locals[id] = local;
        if (OnnxForms.GivesImage(n) || KeepsImage(n)) _images.Add(id);
        return $"var {local} = {value};";
    }

    /// <summary>Whether the writer defines a local for the node (else it is read in place).</summary>
    public bool NeedsLocal(int id) => !_locals.ContainsKey(id) && !OpTable.Of(_dag[id].Op).Is(OpTraits.Leaf);

    public string Operand(int node)
    {
        if (_locals.TryGetValue(node, out string? local))
        {
            return _images.Contains(node) && !_keepImages ? $"{Graph}.Node(\"Reshape\", \"flat\", new[] {{ {local}, {Graph}.Int64s(0, -1) }})" : local;
        }
        var n = _dag[node];
        if (n.Op == Op.Input && _elements.TryGetValue(n.Name!, out var element))
        {
            return $"{Graph}.Weight({Literals.String(Identifiers.Bare(element.Array))}, {_counterName}, {element.Name})";
        }
        if (n.Op == Op.Input && _fields.Contains(n.Name!)) return $"{Graph}.Weight({Literals.String(Identifiers.Bare(n.Name!))}, {n.Name})";
        if (n.Op is Op.Constant or Op.Length or Op.External) return OnnxForms.Of(n.Op)(this, n);
        // A scalar known at export time, read by an ONNX op: a constant of its value.
        return $"{Graph}.Constant(({n.Kind.Keyword()})({Known(node)}))";
    }

    public string? Known(int node) => IsKnown(node) ? _printer.Print(node) : null;

    public string Image(int node)
    {
        if (_locals.TryGetValue(node, out string? local) && _images.Contains(node)) return local;
        var shape = _dag[node].Shape!;
        return $"{Graph}.Node(\"Reshape\", \"image\", new[] {{ {Operand(node)}, {Int64s("0", Dim(shape.Channels), Dim(shape.Height), Dim(shape.Width))} }})";
    }

    public string Weight(int node, params string[] shape)
    {
        var n = _dag[node];
        return $"{Graph}.Weight({Literals.String(Identifiers.Bare(n.Name!))}, {n.Name}, {string.Join(", ", shape)})";
    }

    public string LayerWeight(string layer, string member) =>
        $"{Graph}.Weight({Literals.String(Identifiers.Bare(layer) + "." + member)}, {layer}.{member})";

    public string Node(string opType, string[] inputs, params string[] attributes) =>
        $"{Graph}.Node({Literals.String(opType)}, {Literals.String(Hint)}, new[] {{ {string.Join(", ", inputs)} }}{string.Concat(attributes.Select(a => ", " + a))})";

    public string Apply(string opType, params string[] inputs) => Node(opType, inputs);

    public string Constant(double value, ScalarKind kind) => $"{Graph}.Constant({Literals.Format(value, kind, math: false).Text})";

    public string Int64s(params string[] values) => $"{Graph}.Int64s({string.Join(", ", values)})";

    public string Int(string name, long value) => $"{Services}.OnnxAttribute.Int({Literals.String(name)}, {value.ToString(CultureInfo.InvariantCulture)})";

    public string Ints(string name, params long[] values) => Ints(name, values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray());

    public string Ints(string name, params string[] values) => $"{Services}.OnnxAttribute.Ints({Literals.String(name)}, {string.Join(", ", values)})";

    public string Float(string name, string value) => $"{Services}.OnnxAttribute.Float({Literals.String(name)}, {value})";

    public string Dim(Dim dim)
    {
        if (_dims.Resolve(dim, _known) is { } known) return DimText.Of(known);
        UnknownDims.Add(dim);
        return DimText.Of(dim);
    }

    public string Type(ScalarKind kind) => kind switch
    {
        ScalarKind.Double => Services + ".OnnxType.Double",
        ScalarKind.Int32 => Services + ".OnnxType.Int32",
        ScalarKind.Boolean => Services + ".OnnxType.Bool",
        _ => Services + ".OnnxType.Float",
    };

    /// <summary>Whether the node is an image computed pixel by pixel from images of its shape (and scalars).</summary>
    private bool KeepsImage(Node n)
    {
        if (n.Shape is not { IsImage: true } shape) return false;
        if (n.Op is not (Op.Reshape or Op.Dropout) && !OpTable.Of(n.Op).Is(OpTraits.Elementwise)) return false;
        var tensors = n.Args.Where(a => _dag[a].Rank > 0).ToList();
        if (n.Op == Op.Reshape) tensors = new List<int> { n[0] };
        return tensors.Count > 0 && tensors.All(a => _images.Contains(a) && _dag[a].Shape!.Dims.Equals(shape.Dims));
    }

    /// <summary>How the C# of a value known at export time reads an operand: the counter, or a known local.</summary>
    private string? Reference(int node) =>
        node == _counter ? _counterName : _knownLocals.TryGetValue(node, out string? local) ? local : null;

    /// <summary>
    /// Whether the node is a scalar known at export time: a constant, a length, a field of the model read as it is, the
    /// counter of a loop over layers, or C# arithmetic and comparisons of those.
    /// </summary>
    private bool IsKnown(int id)
    {
        if (_isKnown.TryGetValue(id, out bool known)) return known;
        var n = _dag[id];
        var def = OpTable.Of(n.Op);
        known = !n.Batched && n.Rank == 0 && n.Op switch
        {
            Op.Constant or Op.Length or Op.External => true,
            Op.Input => id == _counter,
            _ => !def.Is(OpTraits.Leaf) && !def.Is(OpTraits.Structural) && def.CSharp is not null && n.Args.All(IsKnown),
        };
        _isKnown[id] = known;
        return known;
    }
}
