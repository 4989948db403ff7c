using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// Builds the IR with hash-consing: asking twice for the same operation on the same operands in the same region
/// returns the same node, so every common subexpression is computed once. Each constructor first tries the
/// rewrites of <see cref="Simplifier"/>, so no node that simplifies away is ever created.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly List<Node> _nodes = new();
    private readonly Dictionary<Node, int> _index = new();
    private readonly List<Region> _regions = new() { Region.MethodBody };
    private int _effects;

    public GraphBuilder()
    {
    }

    /// <summary>Continues a frozen graph; existing node ids are kept.</summary>
    public GraphBuilder(Dag dag)
    {
        _regions.Clear();
        _regions.AddRange(dag.Regions);
        foreach (var node in dag.Nodes) Intern(node);
    }

    /// <summary>
    /// Allows rewrites that hold in real arithmetic but may change a result's bits (0·x → 0, c₁·(c₂·x) → (c₁c₂)·x) or
    /// reshape an expression (−a·b → −(a·b)). Set while building derivatives only: forward code computes exactly, bit
    /// for bit, what the user's method computes.
    /// </summary>
    public bool BuildingDerivatives { get; set; }

    /// <summary>The region new nodes go to.</summary>
    public int CurrentRegion { get; set; }

    /// <summary>
    /// The condition under which the code being lowered runs (null: always). An op that may throw is built on the safe
    /// operands of its <see cref="OpDef.SafeOperands"/> where the condition does not hold: generated code may compute a
    /// value before its condition is known, and must not throw where the user's method would not have run it.
    /// </summary>
    public int? Guard { get; set; }

    public Node this[int id] => _nodes[id];

    public int Count => _nodes.Count;

    public Dag ToDag() => new(new EquatableArray<Node>(_nodes.ToArray()), new EquatableArray<Region>(_regions.ToArray()));

    public ScalarKind KindOf(int id) => _nodes[id].Kind;

    public Region RegionAt(int id) => _regions[id];

    public int RegionCount => _regions.Count;

    public Shape? ShapeOf(int id) => _nodes[id].Shape;

    /// <summary>Whether the IR already holds <paramref name="node"/> (e.g. the forward pass computes it).</summary>
    public bool Contains(Node node) => _index.ContainsKey(node);

    // ---- Leaves -------------------------------------------------------------------------------

    public int Constant(double value, ScalarKind kind) => Intern(Node.Leaf(Op.Constant, kind, ConstantFolding.Normalize(value, kind)));

    public int Zero(ScalarKind kind) => Constant(0, kind);

    public int One(ScalarKind kind) => Constant(1, kind);

    public int Input(string name, ScalarKind kind, Shape? shape = null) => Intern(Node.Leaf(Op.Input, kind, name: name, shape: shape));

    public int External(string csharp, ScalarKind kind) => Intern(Node.Leaf(Op.External, kind, name: csharp));

    /// <summary>1/B, each sample's share of a batch's mean loss.</summary>
    public int SampleWeight() => Intern(Node.Leaf(Op.SampleWeight, ScalarKind.Single));

    /// <summary>The value of a dimension (an element count) as a number of <paramref name="kind"/>.</summary>
    public int Length(Dim dim, ScalarKind kind) => Intern(Node.Leaf(Op.Length, kind) with { Dim = dim });

    // ---- Operations ---------------------------------------------------------------------------

    public int Add(int a, int b) => Binary(Op.Add, a, b);

    public int Sub(int a, int b) => Binary(Op.Sub, a, b);

    public int Mul(int a, int b) => Binary(Op.Mul, a, b);

    public int Div(int a, int b) => Binary(Op.Div, a, b);

    public int Neg(int a) => Unary(Op.Neg, a);

    public int Not(int a) => Unary(Op.Not, a);

    /// <summary>A binary operation on operands of one kind; comparisons and logic yield a bool.</summary>
    public int Binary(Op op, int a, int b)
    {
        var def = OpTable.Of(op);
        var kind = def.Is(OpTraits.Comparison) || def.Is(OpTraits.Logic) ? ScalarKind.Boolean : KindOf(a);
        if (KindOf(a) != KindOf(b))
        {
            throw new InvalidOperationException($"{op} of {KindOf(a)} and {KindOf(b)}: operands must be converted first");
        }
        return Build(Node.Of(op, kind, a, b) with { Shape = Broadcast(a, b) });
    }

    /// <summary>A one-operand operation or function; <see cref="Op.Sign"/> yields an int.</summary>
    public int Unary(Op op, int a)
    {
        var kind = op == Op.Sign ? ScalarKind.Int32 : KindOf(a);
        return Build(Node.Of(op, kind, a) with { Shape = ShapeOf(a) });
    }

    public int Convert(int a, ScalarKind kind)
    {
        if (KindOf(a) == kind) return a;
        return Build(Node.Of(Op.Convert, kind, a) with { Shape = ShapeOf(a) });
    }

    public int Select(int condition, int whenTrue, int whenFalse)
    {
        if (KindOf(whenTrue) != KindOf(whenFalse))
        {
            throw new InvalidOperationException("Select branches must have one kind");
        }
        return Build(Node.Of(Op.Select, KindOf(whenTrue), condition, whenTrue, whenFalse) with { Shape = Broadcast(condition, whenTrue, whenFalse) });
    }

    /// <summary>An element-wise op of any arity whose operands may differ in kind (ScaleB's int exponent), giving <paramref name="kind"/>.</summary>
    public int Elementwise(Op op, ScalarKind kind, params int[] args) =>
        Build(new Node(op, kind, new EquatableArray<int>(args)) with { Shape = Broadcast(args) });

    /// <summary>
    /// <c>vector[index]</c> as the user's code reads it: <paramref name="site"/> (the method and the source text) names
    /// the read in the exception thrown when the index is out of range, checked where the index is used.
    /// </summary>
    public int Pick(int vector, int index, string site)
    {
        var node = Guarded(new Node(Op.Pick, KindOf(vector), new EquatableArray<int>(new[] { vector, index }), Name: site, Region: CurrentRegion));
        return Intern(node with { Shape = OpTable.Of(Op.Pick).Shape!(this, node) });
    }

    /// <summary>A structural tensor operation: its shape comes from its <see cref="OpDef.Shape"/> rule; no algebraic rewrites apply.</summary>
    public int Structural(Op op, ScalarKind kind, params int[] args)
    {
        var node = new Node(op, kind, new EquatableArray<int>(args));
        var rule = OpTable.Of(op).Shape ?? throw new InvalidOperationException($"{op} has no shape rule");
        return Intern(node with { Shape = rule(this, node), Region = RegionFor(node) });
    }

    /// <summary>
    /// A layer op (OpTable.Layers.cs): float, its shape from its rule, with the layer's C# access as its
    /// <see cref="Node.Name"/> and a number as its <see cref="Node.Value"/> (a dropout's site, the part of a pullback).
    /// </summary>
    public int Layer(Op op, string? layer, double value, params int[] args)
    {
        var node = new Node(op, ScalarKind.Single, new EquatableArray<int>(args), Value: value, Name: layer);
        var rule = OpTable.Of(op).Shape ?? throw new InvalidOperationException($"{op} has no shape rule");
        return Intern(node with { Shape = rule(this, node), Region = RegionFor(node) });
    }

    /// <summary>A structural operation whose shape (and dimension) the caller gives: a broadcast, a slice.</summary>
    public int Structural(Op op, ScalarKind kind, Shape? shape, Dim? dim, params int[] args)
    {
        var node = new Node(op, kind, new EquatableArray<int>(args), shape, Dim: dim);
        return Intern(node with { Region = RegionFor(node) });
    }

    /// <summary>
    /// The shape of an element-wise result: the largest rank and any batch dimension among the operands (a scalar
    /// broadcasts over a vector, a shared value over the batch). Equal lengths are checked at run time.
    /// </summary>
    public Shape? Broadcast(params int[] operands)
    {
        Shape? result = null;
        foreach (int operand in operands)
        {
            var shape = ShapeOf(operand);
            if (shape is null) continue;
            if (result is null) { result = shape; continue; }
            var widest = result.Rank >= shape.Rank ? result : shape;
            result = widest.WithBatched(result.Batched || shape.Batched);
        }
        return result;
    }

    // ---- Regions ------------------------------------------------------------------------------

    /// <summary>Opens a region nested in the current one (a loop body) and makes it current.</summary>
    public int OpenRegion()
    {
        int id = _regions.Count;
        _regions.Add(new Region(id, CurrentRegion, -1, EquatableArray<int>.Empty, EquatableArray<int>.Empty, EquatableArray<int>.Empty,
            EquatableArray<int>.Empty));
        CurrentRegion = id;
        return id;
    }

    /// <summary>Parameter number <paramref name="index"/> of the current region (<paramref name="reference"/>: the forward value a reverse loop's parameter is the adjoint of).</summary>
    public int Param(int index, ScalarKind kind, Shape? shape = null, int reference = -1)
    {
        int id = Intern(new Node(Op.Param, kind, EquatableArray<int>.Empty, shape, index, Region: CurrentRegion, Ref: reference));
        var region = _regions[CurrentRegion];
        if (!region.Parameters.Contains(id))
        {
            _regions[CurrentRegion] = region with { Parameters = region.Parameters.Append(id).ToEquatableArray() };
        }
        return id;
    }

    /// <summary>Sets the current region's results (and its parameters' induction steps) and makes its parent current again.</summary>
    public void CloseRegion(IEnumerable<int> results, IEnumerable<int>? steps = null, LoopControl? loop = null)
    {
        var region = _regions[CurrentRegion];
        _regions[CurrentRegion] = region with
        {
            Results = results.ToEquatableArray(),
            Steps = (steps ?? region.Parameters.Select(_ => 0)).ToEquatableArray(),
            Loop = loop,
        };
        CurrentRegion = region.Parent;
    }

    /// <summary>A node that owns <paramref name="body"/> (a loop), in the current region.</summary>
    public int Owner(Op op, ScalarKind kind, int body, int[] args, int reference = -1)
    {
        int id = Intern(new Node(op, kind, new EquatableArray<int>(args), Region: CurrentRegion, Body: body, Ref: reference));
        _regions[body] = _regions[body] with { Owner = id };
        return id;
    }

    /// <summary>Carried value number <paramref name="index"/> of <paramref name="loop"/> when it ends.</summary>
    public int LoopResult(int loop, int index)
    {
        int init = _nodes[loop][1 + index];
        return Intern(new Node(Op.LoopResult, KindOf(init), new EquatableArray<int>(new[] { loop }), ShapeOf(init), index, Region: _nodes[loop].Region));
    }

    /// <summary>How many iterations <paramref name="loop"/> ran.</summary>
    public int LoopTrips(int loop) =>
        Intern(new Node(Op.LoopTrips, ScalarKind.Int32, new EquatableArray<int>(new[] { loop }), Region: _nodes[loop].Region));

    /// <summary>An effect of the current region (never merged with another).</summary>
    public int Effect(Node node)
    {
        int id = Intern(node with { Region = CurrentRegion, Value = ++_effects });
        var region = _regions[CurrentRegion];
        _regions[CurrentRegion] = region with { Effects = region.Effects.Append(id).ToEquatableArray() };
        return id;
    }

    /// <summary>Whether <paramref name="region"/> is <paramref name="outer"/> or nested in it.</summary>
    public bool Encloses(int outer, int region)
    {
        for (int r = region; r >= 0; r = _regions[r].Parent)
        {
            if (r == outer) return true;
        }
        return false;
    }

    /// <summary>A node built again (a forward value recomputed elsewhere): folded, simplified and placed like a new one.</summary>
    public int Rebuild(Node node)
    {
        var def = OpTable.Of(node.Op);
        if (def.Is(OpTraits.Pinned)) return Pinned(node);
        if (def.Is(OpTraits.Structural) || def.Is(OpTraits.Indexed) || node.Arity == 0) return Intern(node with { Region = RegionFor(node) });
        return Build(node);
    }

    /// <summary>Makes an existing node of the current region one of its effects (a root: it always runs).</summary>
    public void AddEffect(int node)
    {
        var region = _regions[CurrentRegion];
        if (!region.Effects.Contains(node)) _regions[CurrentRegion] = region with { Effects = region.Effects.Append(node).ToEquatableArray() };
    }

    /// <summary>A node pinned to the current region: it is neither folded, simplified nor hoisted.</summary>
    public int Pinned(Node node) => Intern(node with { Region = CurrentRegion });

    /// <summary>
    /// The region a node belongs in: for a pure, total op the innermost region among its operands', so an expression
    /// whose operands are all outside a loop is computed once, outside it. Pinned ops (reads that may throw, parameters,
    /// effects) and partial ones (integer division) stay where they are built: the user's code runs them only there.
    /// </summary>
    private int RegionFor(Node node)
    {
        var def = OpTable.Of(node.Op);
        // An op with safe operands may throw: it stays where the user's code runs it.
        if (def.Is(OpTraits.Pinned) || def.SafeOperands?.Invoke(this, node) is not null) return CurrentRegion;
        int deepest = 0;
        foreach (int arg in node.Args)
        {
            int r = _nodes[arg].Region;
            if (Depth(r) > Depth(deepest)) deepest = r;
        }
        return deepest;
    }

    private int Depth(int region)
    {
        int depth = 0;
        for (int r = region; r > 0; r = _regions[r].Parent) depth++;
        return depth;
    }

    private int Build(Node node)
    {
        node = Guarded(node with { Region = CurrentRegion });
        node = node with { Region = RegionFor(node) };
        if (!node.Args.Any(a => !_nodes[a].IsConstant) && node.Op != Op.Select
            && ConstantFolding.Fold(node, node.Args.Select(a => _nodes[a].Value).ToArray()) is double value)
        {
            return Constant(value, node.Kind);
        }
        return Simplifier.TryRewrite(this, node) ?? Intern(node);
    }

    /// <summary>The node on its safe operands where <see cref="Guard"/> does not hold, if it may throw.</summary>
    private Node Guarded(Node node)
    {
        if (Guard is not int guard || OpTable.Of(node.Op).SafeOperands?.Invoke(this, node) is not { } safe) return node;
        var args = node.Args.ToArray();
        for (int k = 0; k < args.Length; k++)
        {
            if (safe[k] is int replacement) args[k] = Select(guard, args[k], replacement);
        }
        return node with { Args = new EquatableArray<int>(args) };
    }

    /// <summary>Adds the node unless an equal one exists (commutative operands in either order count as equal).</summary>
    private int Intern(Node node)
    {
        if (_index.TryGetValue(node, out int id)) return id;
        if (node.Arity == 2 && OpTable.Of(node.Op).Is(OpTraits.Commutative))
        {
            var swapped = node with { Args = new EquatableArray<int>(new[] { node[1], node[0] }) };
            if (_index.TryGetValue(swapped, out id)) return id;
        }
        id = _nodes.Count;
        _nodes.Add(node);
        _index[node] = id;
        return id;
    }
}
