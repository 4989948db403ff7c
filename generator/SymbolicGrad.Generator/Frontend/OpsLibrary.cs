using System.Collections.Generic;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The runtime's <c>Ops</c> in the IR: element-wise functions become the scalar ops with a shape, the rest the
/// structural ops of <see cref="OpTable"/> (matrix–vector product, sum, log-sum-exp, pick, concatenation). Losses are
/// written out from those, as the runtime computes them.
/// </summary>
internal sealed class OpsLibrary
{
    private const float ProbabilityEpsilon = 1e-7f;
    private readonly GraphBuilder _g;

    public OpsLibrary(GraphBuilder graph) => _g = graph;

    /// <summary>The first argument of each loss the body calls (the logits of a softmax cross-entropy): the candidates for its prediction.</summary>
    public List<NodeName> LossInputs { get; } = new();

    private int F(double value) => _g.Constant(value, ScalarKind.Single);

    /// <summary>The node for <c>Ops.<paramref name="name"/>(operands)</c>, or null when it is not supported.</summary>
    public int? Call(string name, IReadOnlyList<int> a)
    {
        if (name is "Mse" or "Mae" or "BinaryCrossEntropy" or "SoftmaxCrossEntropy" && a.Count == 2) LossInputs.Add(new NodeName(a[0], name));
        switch (name, a.Count)
        {
            // relu(z) = max(z, 0): branch-free in the forward pass (a select on data compiles to a mispredicted
            // branch, measured 10–30 % of a training step).
            case ("Relu", 1): return _g.Binary(Op.Max, a[0], F(0));
            case ("LeakyRelu", 2): return _g.Select(_g.Binary(Op.Greater, a[0], F(0)), a[0], _g.Mul(a[1], a[0]));
            case ("Sigmoid", 1): return _g.Unary(Op.Sigmoid, a[0]);
            case ("Tanh", 1): return _g.Unary(Op.Tanh, a[0]);
            case ("Exp", 1): return _g.Unary(Op.Exp, a[0]);
            case ("Log", 1): return _g.Unary(Op.Log, a[0]);
            case ("Square", 1): return _g.Mul(a[0], a[0]);
            case ("Sum", 1): return Sum(a[0]);
            case ("Mean", 1): return _g.Div(Sum(a[0]), Length(a[0]));
            case ("Dot", 2): return Sum(_g.Mul(a[0], a[1]));
            case ("Softmax", 1): return _g.Unary(Op.Exp, _g.Sub(a[0], LogSumExp(a[0])));
            case ("LogSoftmax", 1): return _g.Sub(a[0], LogSumExp(a[0]));
            case ("Concat", 2): return _g.Structural(Op.Concat, ScalarKind.Single, a[0], a[1]);
            case ("Mse", 2):
            {
                int d = _g.Sub(a[0], a[1]);
                return _g.Div(Sum(_g.Mul(d, d)), Length(a[0]));
            }
            case ("Mae", 2): return _g.Div(Sum(_g.Unary(Op.Abs, _g.Sub(a[0], a[1]))), Length(a[0]));
            case ("BinaryCrossEntropy", 2):
            {
                // q = clamp(p, ε, 1 − ε); −Σ (t·log q + (1 − t)·log(1 − q)) / n, never log 0.
                int q = _g.Binary(Op.Max, _g.Binary(Op.Min, a[0], F(1 - ProbabilityEpsilon)), F(ProbabilityEpsilon));
                int terms = _g.Add(_g.Mul(a[1], _g.Unary(Op.Log, q)), _g.Mul(_g.Sub(F(1), a[1]), _g.Unary(Op.Log, _g.Sub(F(1), q))));
                return _g.Div(_g.Neg(Sum(terms)), Length(a[0]));
            }
            case ("SoftmaxCrossEntropy", 2):
                // log Σ exp z − z[label]: its adjoint is softmax(z) − onehot(label).
                return _g.Sub(LogSumExp(a[0]), _g.Structural(Op.Pick, ScalarKind.Single, a[0], a[1]));
            default:
                return null;
        }
    }

    /// <summary>W·x for a matrix and a vector.</summary>
    public int MatVec(int matrix, int vector) => _g.Structural(Op.MatVec, ScalarKind.Single, matrix, vector);

    private int Sum(int vector) => _g.Structural(Op.Sum, ScalarKind.Single, vector);

    private int LogSumExp(int vector) => _g.Structural(Op.LogSumExp, ScalarKind.Single, vector);

    /// <summary>The number of elements of a vector, as a float.</summary>
    private int Length(int vector) => _g[vector].Shape is { Rank: 1 } shape ? _g.Length(shape.Length, ScalarKind.Single) : F(1);
}
