using System;
using System.Collections.Generic;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Graph;

/// <summary>
/// Builds a DAG with hash-consing: asking twice for the same operation on the same operands returns the same node,
/// so every common subexpression is computed once. Each constructor first tries the algebraic rewrites of
/// <see cref="Simplifier"/> (constant folding, identities), so no node that simplifies away is ever created.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly List<Node> _nodes = new();
    private readonly Dictionary<Node, int> _index = new();

    public GraphBuilder()
    {
    }

    /// <summary>Continues a frozen DAG; existing node ids are kept.</summary>
    public GraphBuilder(Dag dag)
    {
        foreach (var node in dag.Nodes) Intern(node);
    }

    /// <summary>
    /// Allows rewrites that are exact in real arithmetic but may round differently (c₁·(c₂·x) → (c₁c₂)·x) or
    /// reshape the expression (−a·b → −(a·b)). Set while building derivatives; the forward pass stays
    /// bit-for-bit, and as written, the user's method.
    /// </summary>
    public bool BuildingDerivatives { get; set; }

    public Node this[int id] => _nodes[id];

    public int Count => _nodes.Count;

    public Dag ToDag() => new(new EquatableArray<Node>(_nodes.ToArray()));

    public ScalarKind KindOf(int id) => _nodes[id].Kind;

    // ---- Leaves -------------------------------------------------------------------------------

    public int Constant(double value, ScalarKind kind) => Intern(Node.Leaf(Op.Constant, kind, ConstantFolder.Normalize(value, kind)));

    public int Zero(ScalarKind kind) => Constant(0, kind);

    public int One(ScalarKind kind) => Constant(1, kind);

    public int Input(string name, ScalarKind kind, Shape? shape = null) => Intern(Node.Leaf(Op.Input, kind, name: name, shape: shape));

    public Shape? ShapeOf(int id) => _nodes[id].Shape;

    /// <summary>Whether the DAG already holds <paramref name="node"/> (e.g. the forward pass computes it).</summary>
    public bool Contains(Node node) => _index.ContainsKey(node);

    /// <summary>A structural tensor operation (no algebraic rewrites apply).</summary>
    public int Tensor(Op op, ScalarKind kind, Shape? shape, double value, params int[] args) =>
        Intern(new Node(op, kind, new EquatableArray<int>(args), value, null, shape));

    public int External(string csharp, ScalarKind kind) => Intern(Node.Leaf(Op.External, kind, name: csharp));

    // ---- Operations ---------------------------------------------------------------------------

    public int Add(int a, int b) => Binary(Op.Add, a, b);

    public int Sub(int a, int b) => Binary(Op.Sub, a, b);

    public int Mul(int a, int b) => Binary(Op.Mul, a, b);

    public int Div(int a, int b) => Binary(Op.Div, a, b);

    public int Neg(int a) => Unary(Op.Neg, a);

    public int Not(int a) => Unary(Op.Not, a);

    /// <summary>A binary operation on operands of one kind; comparisons and logic yield a Boolean.</summary>
    public int Binary(Op op, int a, int b)
    {
        var kind = op.IsComparison() || op is Op.And or Op.Or ? ScalarKind.Boolean : KindOf(a);
        if (KindOf(a) != KindOf(b))
        {
            throw new InvalidOperationException($"{op} of {KindOf(a)} and {KindOf(b)}: operands must be converted first");
        }
        var node = Node.Of(op, kind, a, b) with { Shape = Broadcast(a, b) };
        return Simplifier.TryRewrite(this, node) ?? Intern(node);
    }

    /// <summary>A one-operand operation or function; <see cref="Op.Sign"/> yields an int.</summary>
    public int Unary(Op op, int a)
    {
        var kind = op == Op.Sign ? ScalarKind.Int32 : KindOf(a);
        var node = Node.Of(op, kind, a) with { Shape = ShapeOf(a) };
        return Simplifier.TryRewrite(this, node) ?? Intern(node);
    }

    public int Convert(int a, ScalarKind kind)
    {
        if (KindOf(a) == kind) return a;
        var node = Node.Of(Op.Convert, kind, a) with { Shape = ShapeOf(a) };
        return Simplifier.TryRewrite(this, node) ?? Intern(node);
    }

    public int Select(int condition, int whenTrue, int whenFalse)
    {
        if (KindOf(whenTrue) != KindOf(whenFalse))
        {
            throw new InvalidOperationException("Select branches must have one kind");
        }
        var node = Node.Of(Op.Select, KindOf(whenTrue), condition, whenTrue, whenFalse) with { Shape = Broadcast(condition, whenTrue, whenFalse) };
        return Simplifier.TryRewrite(this, node) ?? Intern(node);
    }

    /// <summary>
    /// The shape of an element-wise result: the largest rank and any batch dimension among the operands
    /// (a scalar broadcasts over a vector, a shared value over the batch). Equal lengths are checked at run time.
    /// </summary>
    public Shape? Broadcast(params int[] operands)
    {
        Shape? result = null;
        foreach (int operand in operands)
        {
            var shape = ShapeOf(operand);
            if (shape is null) continue;
            if (result is null) { result = shape; continue; }
            int rank = System.Math.Max(result.Rank, shape.Rank);
            string length = result.Rank >= shape.Rank ? result.Length : shape.Length;
            result = new Shape(rank, result.Batched || shape.Batched, length);
        }
        return result;
    }

    /// <summary>Adds the node unless an equal one exists (commutative operands in either order count as equal).</summary>
    private int Intern(Node node)
    {
        if (_index.TryGetValue(node, out int id)) return id;
        if (node.Op.IsCommutative() && node.Arity == 2)
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
