using System;
using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// How tensor code (model methods, tensor functions) reads and writes its values, from the plan: stored values live in
/// workspace buffers (one row per sample), inputs are read through views of their memory, dimensions through locals.
/// Element loops, kernel calls and gradient accumulation are written through it. It records which dimensions, views and
/// stored values a pass's code used, so the pass declares exactly those.
/// </summary>
internal sealed class TensorCode : IKernelWriter
{
    private readonly Dictionary<int, int> _takesOver;
    private readonly Dictionary<Dim, string> _dims;
    private readonly Dictionary<string, string> _views;
    private readonly Dictionary<string, string> _calls;
    private readonly HashSet<Dim> _usedDims = new();
    private readonly HashSet<string> _usedViews = new();
    private readonly HashSet<int> _usedValues = new();
    private bool _usedSampleWeight;
    private bool _usedTraining;
    private bool _usedStream;
    private RowLoopUses? _capture;

    public TensorCode(ProgramPlan plan)
    {
        Plan = plan;
        Tensor = plan.Tensor!;
        Variables = plan.Forward.Concat(plan.Backward).ToDictionary(v => v.Node);
        _takesOver = Tensor.InPlace.ToDictionary(p => p.Value, p => p.Operand);
        _dims = plan.Names.Dims.ToDictionary(d => d.Dim, d => d.Name);
        _views = plan.Names.Views.ToDictionary(v => v.Of, v => v.Name);
        _calls = plan.Names.Calls.ToDictionary(v => v.Of, v => v.Name);
        LanesClass = Method.QualifyMath ? FileLayout.Runtime + ".CompilerServices.Lanes" : "Lanes";
        Math = new MathPrinter(Dag, node => Variables.TryGetValue(node, out var v) ? (v.Name, v.AdjointOf) : null, plan.ResultName, Names.SampleWeight);
    }

    public ProgramPlan Plan { get; }

    public TensorPlan Tensor { get; }

    public MethodModel Method => Plan.Method;

    public Dag Dag => Plan.Graph;

    public GeneratedNames Names => Plan.Names;

    public Dictionary<int, ScheduledValue> Variables { get; }

    /// <summary>The math notation of comments.</summary>
    public MathPrinter Math { get; }

    /// <summary>How the code names the runtime's SIMD lanes: a short alias unless the user's code declares the name.</summary>
    public string LanesClass { get; }

    /// <summary>
    /// What a buffered gradient is called in its comment, given the parameter it is planned as the gradient of; null: ∂f/∂name.
    /// (A tensor Hvp plans H·t as the "gradient" of each tangent input.)
    /// </summary>
    public Func<ParameterInfo, string?>? GradientLabel { get; set; }

    /// <summary>
    /// The span a buffered gradient not added through the parameter store goes into, given its parameter; null:
    /// <c>dX.Span</c>, the caller's buffer. (A model's Hvp adds into slices of its gradient and hv buffers.)
    /// </summary>
    public Func<ParameterInfo, string>? GradientSpan { get; set; }

    /// <summary>Where statements go.</summary>
    public IndentedTextWriter Writer { get; set; } = null!;

    public string Kernels => FileLayout.Runtime + ".CompilerServices.Kernels";

    public Node this[int node] => Dag[node];

    public string Batch
    {
        get
        {
            if (_capture is { } capture) capture.Batch = true;
            return Names.Batch;
        }
    }

    public string Index => Names.Index;

    public string Parameters => Names.ParametersAccess;

    public string SampleWeight
    {
        get
        {
            if (_capture is { } capture) capture.SampleWeight = true;
            else _usedSampleWeight = true;
            return Names.SampleWeight;
        }
    }

    /// <summary>The value written in place over another's buffer, or -1.</summary>
    public int TakesOver(int node) => _takesOver.TryGetValue(node, out int operand) ? operand : -1;

    /// <summary>The forward values some value overwrote (gone by the backward pass).</summary>
    public IEnumerable<int> Overwritten => _takesOver.Values;

    // ---- Use tracking -------------------------------------------------------------------------

    /// <summary>Forgets what was used, before a pass's body is written.</summary>
    public void ResetUses()
    {
        _usedDims.Clear();
        _usedViews.Clear();
        _usedValues.Clear();
        _usedSampleWeight = false;
        _usedTraining = false;
        _usedStream = false;
    }

    public bool UsedDim(Dim dim) => _usedDims.Contains(dim);

    public bool UsedView(string parameter) => _usedViews.Contains(parameter);

    public bool UsedValue(int node) => _usedValues.Contains(node);

    public bool UsedSampleWeight => _usedSampleWeight;

    /// <summary>
    /// The row loops (<see cref="RowLoopWriter"/>) written so far, declared after the methods; null where element loops
    /// stay inline (every writer but a model method's).
    /// </summary>
    public List<RowLoopStruct>? RowLoops { get; set; }

    /// <summary>The bounds of the batch loop: <c>0</c> and the batch, or a row loop's range.</summary>
    public (string First, string End)? RowRange { get; set; }

    /// <summary>
    /// Records what the code written until <see cref="EndCapture"/> reads into the returned set instead of the pass's:
    /// a row loop's fields.
    /// </summary>
    public RowLoopUses BeginCapture() => _capture = new RowLoopUses();

    /// <summary>Back to recording the pass's uses.</summary>
    public void EndCapture() => _capture = null;

    /// <summary>Whether the pass's code read the call's mode.</summary>
    public bool UsedTraining => _usedTraining;

    /// <summary>Whether the pass's code read the call's random stream.</summary>
    public bool UsedStream => _usedStream;

    public LayerPlan Layers => Tensor.Layers;

    public string Training
    {
        get
        {
            _usedTraining = true;
            if (_capture is { } capture) capture.Unsupported = true;
            return Layers.Training!;
        }
    }

    public string Stream
    {
        get
        {
            _usedStream = true;
            if (_capture is { } capture) capture.Unsupported = true;
            return Layers.Stream!;
        }
    }

    public string Scratch(int node, string suffix) =>
        Names.Workspace + "." + Layers.Scratch.First(s => s.Node == node && s.Suffix == suffix).Name;

    public string Columns => Names.Workspace + "." + Layers.Columns;

    public string Geometry => Layers.Geometry;

    public string Workspace => Names.Workspace;

    public string MethodName => Method.Name;

    public void Scope(Action body) => Block(true, body);

    // ---- Names and memory ---------------------------------------------------------------------

    /// <summary>How the code calls a generated member (<c>this.LossForwardBatch</c> where a parameter hides it).</summary>
    public string Call(string member) => _calls[member];

    public string Local(string preferred) => preferred == "sum" ? Names.Sum : throw new ArgumentException("No generated local " + preferred);

    /// <summary>A dimension's value: its local, or an expression over locals.</summary>
    public string Dim(Dim dim)
    {
        if (_dims.TryGetValue(dim, out var local))
        {
            if (_capture is { } capture) capture.Dims.Add(dim);
            else _usedDims.Add(dim);
            return local;
        }
        return DimText.Compose(dim, Dim);
    }

    /// <summary>
    /// The value a dimension's local is declared with: its expression, reading the locals of <paramref name="declared"/>
    /// (dimensions declared before it) where it can.
    /// </summary>
    public string Declaration(Dim dim, ISet<Dim> declared)
    {
        string Part(Dim part) => declared.Contains(part) && _dims.TryGetValue(part, out var local) ? local : Declaration(part, declared);
        return DimText.Compose(dim, Part);
    }

    /// <summary>A dimension as the expression that reads it (for code outside a pass, with no locals).</summary>
    public static string DimSource(Dim dim) => DimText.Of(dim);

    /// <summary>The view (span) of a Vec/Mat input's memory.</summary>
    public string View(string parameter)
    {
        if (_capture is { } capture) capture.Views.Add(parameter);
        else _usedViews.Add(parameter);
        return _views[parameter];
    }

    /// <summary>The name of a stored value (its buffer, in tensor code).</summary>
    public string Name(int node)
    {
        if (_capture is { } capture)
        {
            if (!capture.Values.Contains(node)) capture.Values.Add(node);
        }
        else _usedValues.Add(node);
        return Variables[node].Name;
    }

    /// <summary>The workspace field holding a stored value (that of the value whose buffer it took over, if it did).</summary>
    public string Field(int node)
    {
        while (_takesOver.TryGetValue(node, out int operand)) node = operand;
        return Variables[node].Name;
    }

    /// <summary>The number of elements a stored value holds: per sample times the batch.</summary>
    public string Size(Node n) => n.Rank switch
    {
        0 => n.Batched ? Batch : "1",
        1 => (n.Batched ? Batch + " * " : "") + Dim(n.Shape!.Length),
        _ => Dim(n.Shape!.Rows) + " * " + Dim(n.Shape.Cols),
    };

    public string Span(int node)
    {
        node = Viewed(node);
        var n = Dag[node];
        if (n.Op == Op.Input) return View(n.Name!);
        return $"{Name(node)}.AsSpan(0, {Size(n)})";
    }

    public string Row(bool batched) => batched ? Names.Row : "0";

    public string BatchMatrix(int node)
    {
        node = Viewed(node);
        var n = Dag[node];
        if (n.Op == Op.Input)
        {
            return n.Batched ? n.Name! : $"new {FileLayout.Runtime}.Mat({n.Name}.Array, {n.Name}.Offset, 1, {n.Name}.Length)";
        }
        return $"new {FileLayout.Runtime}.Mat({Name(node)}, 0, {(n.Batched ? Batch : "1")}, {Dim(n.Shape!.Length)})";
    }

    public string Sample(int node, string row)
    {
        node = Viewed(node);
        var n = Dag[node];
        if (n.Op == Op.Input) return n.Batched && n.Rank == 1 ? $"{n.Name}.Row({row})" : n.Name!;
        string name = Name(node);
        if (n.Rank == 2) return $"new {FileLayout.Runtime}.Mat({name}, 0, {Dim(n.Shape!.Rows)}, {Dim(n.Shape.Cols)})";
        string length = Dim(n.Shape!.Length);
        return $"new {FileLayout.Runtime}.Vec({name}, {(n.Batched ? row + " * " + length : "0")}, {length})";
    }

    /// <summary>The node whose memory a view (an image of a vector) reads; the node itself for the rest.</summary>
    private int Viewed(int node)
    {
        while (OpTable.Of(Dag[node].Op).Is(OpTraits.View) && !Variables.ContainsKey(node)) node = Dag[node][0];
        return node;
    }

    /// <summary>Element (row, index) of any node: stored values and inputs read, the rest written inline.</summary>
    string IKernelWriter.Element(int node, string row, string index) => Printer(row, index).Print(node);

    /// <summary>Element (<paramref name="row"/>, <paramref name="index"/>) of a stored value or an input.</summary>
    public string Element(int node, string row, string index)
    {
        var (name, position) = Position(node, row, index);
        return position is null ? name : $"{name}[{position}]";
    }

    /// <summary>The buffer and position of element (row, index) of a stored value or an input (no position: a scalar input).</summary>
    public (string Buffer, string? Position) Position(int node, string row, string index)
    {
        var n = Dag[node];
        if (n.Op == Op.Input && n.Rank == 0)
        {
            if (_capture is { } capture) capture.Unsupported = true; // a span or a scalar argument: not a field of a row loop
            return n.Batched ? (n.Name!, row) : (n.Name!, null);
        }
        string name = n.Op == Op.Input ? View(n.Name!) : Name(node);
        return (n.Rank, n.Batched) switch
        {
            (0, false) => (name, "0"),
            (0, true) => (name, row),
            (_, false) => (name, index),
            _ => (name, $"{row} * {Dim(n.Shape!.Length)} + {index}"),
        };
    }

    /// <summary>A printer of element (row, index) of any node: stored values and inputs are read, the rest inlined.</summary>
    public CodePrinter Printer(string row, string index) =>
        new(Dag, node => Variables.ContainsKey(node) || Dag[node].Op == Op.Input ? Element(node, row, index) : null, Method.QualifyMath,
            Dim, (node, i) => Element(node, row, i), index, () => SampleWeight);

    /// <summary>
    /// A printer of the lanes (row, index … index + width − 1) of a rank-1 node: stored values and inputs are loaded,
    /// slices loaded at their offset, per-row values broadcast, the rest inlined.
    /// </summary>
    /// <param name="row">The row.</param>
    /// <param name="index">The first element of the lanes.</param>
    /// <param name="vectorLength">
    /// In a row loop's vector loop over this many elements (<see cref="VectorLoop"/>): operands of that length are loaded
    /// without a check per vector, their buffers checked once by the row loop (<see cref="CheckedLoad"/>).
    /// </param>
    public LanesPrinter Lanes(string row, string index, Dim? vectorLength = null)
    {
        var scalar = Printer(row, index);
        return new LanesPrinter(Dag, LanesClass, Load, scalar.Print);

        string? Load(int node)
        {
            var n = Dag[node];
            if (Variables.ContainsKey(node) || n.Op == Op.Input)
            {
                var (buffer, position) = Position(node, row, index);
                if (vectorLength is not null && CheckedLoad(node, buffer, vectorLength)) return $"{LanesClass}.LoadInRows({buffer}, {position})";
                return $"{LanesClass}.Load({buffer}, {position})";
            }
            if (n.Op == Op.Slice)
            {
                string offset = n.Dim is Dim.Constant { Value: 0 } ? "" : Dim(n.Dim!) + " + ";
                var (buffer, position) = Position(n[0], row, offset + index);
                return $"{LanesClass}.Load({buffer}, {position})";
            }
            return null;
        }
    }

    /// <summary>
    /// Whether a row loop's vector loop over <paramref name="vectorLength"/> elements may read or write
    /// <paramref name="node"/>'s lanes (at its <see cref="Position"/>) unchecked, and if so records its buffer for the row
    /// loop's one check: a rank-1 float buffer with a row of exactly that length per sample (checked row by row), or one
    /// vector every row reads at the loop's index alone (checked to hold that many elements, whatever its shape says).
    /// </summary>
    public bool CheckedLoad(int node, string buffer, Dim vectorLength)
    {
        var n = Dag[node];
        if (_capture is not { } capture || RowRange is null || n.Rank != 1 || n.Kind != ScalarKind.Single) return false;
        if (n.Batched && !n.Shape!.Length.Equals(vectorLength)) return false;
        if (!capture.CheckedSpans.Any(s => s.Buffer == buffer)) capture.CheckedSpans.Add((buffer, Dim(vectorLength), n.Batched));
        return true;
    }

    /// <summary>How many buffers the row loop being written checks so far (see <see cref="DropChecksAfter"/>).</summary>
    public int CheckedMark => _capture?.CheckedSpans.Count ?? 0;

    /// <summary>Forgets the checks recorded after <paramref name="mark"/>: their loads were not written (a scalar loop instead).</summary>
    public void DropChecksAfter(int mark)
    {
        if (_capture is { } capture) capture.CheckedSpans.RemoveRange(mark, capture.CheckedSpans.Count - mark);
    }

    // ---- Statements ---------------------------------------------------------------------------

    public void LayerLoop(Node n, int node) => LayerLoopWriter.WriteLoop(this, n, node);

    public void Line(string text) => Writer.WriteLine(text);

    /// <summary>
    /// A kernel call on batched operands: the matrix–matrix form, except for a batch of one (the per-sample methods),
    /// where the matrix–vector form is faster (the GEMMs pack their operands).
    /// </summary>
    public void BatchOrSample(bool batched, string batch, string sample)
    {
        if (!batched)
        {
            Line(sample);
            return;
        }
        Line($"if ({Batch} == 1) {sample}");
        Line($"else {batch}");
    }

    public void PerSample(bool batched, bool scoped, Action body) => Block(!batched && scoped, () => Loop(batched, null, body));

    /// <summary>Writes <paramref name="body"/>, inside braces if <paramref name="braces"/> (a scope for its locals).</summary>
    public void Block(bool braces, Action body)
    {
        if (!braces)
        {
            body();
            return;
        }
        Line("{");
        Writer.Indent++;
        body();
        Writer.Indent--;
        Line("}");
    }

    /// <summary>A loop over the batch (if <paramref name="batched"/>), then over <paramref name="length"/> elements if given.</summary>
    public void Loop(bool batched, string? length, Action body)
    {
        string r = Names.Row, i = Names.Index;
        if (batched) Line(RowRange is var (first, end) ? $"for (int {r} = {first}; {r} < {end}; {r}++)" : $"for (int {r} = 0; {r} < {Batch}; {r}++)");
        Block(batched, () =>
        {
            if (length is null)
            {
                body();
                return;
            }
            Line($"for (int {i} = 0; {i} < {length}; {i}++)");
            Writer.Indent++;
            body();
            Writer.Indent--;
        });
    }

    /// <summary>A loop over <paramref name="length"/> elements, <c>Lanes.Width</c> at a time, then one at a time for the rest.</summary>
    public void VectorLoop(string length, string vectorStatement, string scalarStatement)
    {
        string i = Names.Index;
        Line($"int {i} = 0;");
        Line($"for (; {i} <= {length} - {LanesClass}.Width; {i} += {LanesClass}.Width)");
        Writer.Indent++;
        Line(vectorStatement);
        Writer.Indent--;
        Line($"for (; {i} < {length}; {i}++)");
        Writer.Indent++;
        Line(scalarStatement);
        Writer.Indent--;
    }
}
