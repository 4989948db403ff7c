using System;
using SymbolicGrad.Generator.Graph;

namespace SymbolicGrad.Generator.Calculus;

/// <summary>
/// One reverse-mode rule per operation: given the adjoint <c>g</c> = ∂f/∂node, the contribution to ∂f/∂operand.
/// Rules reuse forward values where the derivative is a function of the result (exp, tanh, sqrt, tan, division).
/// </summary>
internal static class DerivativeRules
{
    /// <summary>The contribution of <paramref name="node"/> to the adjoint of its operand number <paramref name="operand"/>, or null for none.</summary>
    public static int? Pullback(GraphBuilder b, int node, int operand, int g)
    {
        var n = b[node];
        var kind = n.Kind;
        int Const(double v) => b.Constant(v, kind);
        int a = n.Arity > 0 ? n[0] : -1;

        switch (n.Op)
        {
            case Op.Add:
                return g;
            case Op.Sub:
                return operand == 0 ? g : b.Neg(g);
            case Op.Mul:
                return b.Mul(g, operand == 0 ? n[1] : n[0]);
            case Op.Div:
                // q = a/b: ∂q/∂a = 1/b, ∂q/∂b = −q/b.
                return operand == 0 ? b.Div(g, n[1]) : b.Neg(b.Div(b.Mul(g, node), n[1]));
            case Op.Neg:
                return b.Neg(g);
            case Op.Sin:
                return b.Mul(g, b.Unary(Op.Cos, a));
            case Op.Cos:
                return b.Neg(b.Mul(g, b.Unary(Op.Sin, a)));
            case Op.Tan:
                return b.Mul(g, b.Add(Const(1), b.Mul(node, node)));
            case Op.Asin:
                return b.Div(g, b.Unary(Op.Sqrt, b.Sub(Const(1), b.Mul(a, a))));
            case Op.Acos:
                return b.Neg(b.Div(g, b.Unary(Op.Sqrt, b.Sub(Const(1), b.Mul(a, a)))));
            case Op.Atan:
                return b.Div(g, b.Add(Const(1), b.Mul(a, a)));
            case Op.Sinh:
                return b.Mul(g, b.Unary(Op.Cosh, a));
            case Op.Cosh:
                return b.Mul(g, b.Unary(Op.Sinh, a));
            case Op.Tanh:
                return b.Mul(g, b.Sub(Const(1), b.Mul(node, node)));
            case Op.Exp:
                return b.Mul(g, node);
            case Op.Log:
                return b.Div(g, a);
            case Op.Log10:
                return b.Div(g, b.Mul(a, Const(Math.Log(10))));
            case Op.Sqrt:
                return b.Mul(g, b.Div(Const(0.5), node));
            case Op.Pow:
                return PowRule(b, node, operand, g);
            case Op.Abs:
                // g · sign(a), with sign(0) taken as 1.
                return b.Mul(g, b.Select(b.Binary(Op.Less, a, Const(0)), Const(-1), Const(1)));
            case Op.Max:
            case Op.Min:
            {
                int other = n[1 - operand];
                if (b[other].Op == Op.Constant && b[n[operand]].Op != Op.Constant)
                {
                    // max(x, c) (ReLU) and min(x, c): x passes the derivative where it won strictly, read from the result
                    // (relu(x) > 0), so x itself need not be kept; at the kink the subgradient is 0, as in PyTorch.
                    int won = b.Binary(n.Op == Op.Max ? Op.Greater : Op.Less, node, other);
                    return b.Select(won, g, Const(0));
                }
                // The derivative goes to the operand that was chosen (the first one on ties).
                int first = b.Binary(n.Op == Op.Max ? Op.GreaterOrEqual : Op.LessOrEqual, n[0], n[1]);
                return operand == 0 ? b.Select(first, g, Const(0)) : b.Select(first, Const(0), g);
            }
            case Op.Convert:
                return b.KindOf(a).IsReal() ? b.Convert(g, b.KindOf(a)) : null;
            case Op.Select:
                if (operand == 0) return null;
                return operand == 1 ? b.Select(n[0], g, Const(0)) : b.Select(n[0], Const(0), g);
            case Op.Sigmoid:
                // σ' = σ·(1 − σ), from the forward value.
                return b.Mul(g, b.Mul(node, b.Sub(Const(1), node)));
            case Op.MatVec:
                // y = W·x: ∂/∂W = Σ_batch g·xᵀ, ∂/∂x = Wᵀ·g.
                return operand == 0
                    ? b.Tensor(Op.Outer, kind, b[n[0]].Shape, 0, g, n[1])
                    : b.Tensor(Op.MatTVec, kind, b[n[1]].Shape! with { Batched = b[g].Batched }, 0, n[0], g);
            case Op.Sum:
                // Every element gets g (broadcast).
                return g;
            case Op.LogSumExp:
                // ∂ lse / ∂z = softmax(z) = exp(z − lse).
                return b.Mul(g, b.Unary(Op.Exp, b.Sub(n[0], node)));
            case Op.Pick:
                return operand == 0 ? b.Tensor(Op.OneHot, kind, b.Broadcast(n[0], g), 0, g, n[1]) : null;
            case Op.Concat:
            {
                var part = b[n[operand]];
                double offset = operand == 0 ? 0 : 1;
                // The slice's Value says which part: 0 the first, 1 the second (whose offset is the first's length).
                return b.Tensor(Op.Slice, kind, part.Shape! with { Batched = b[g].Batched }, offset, g, n[0]);
            }
            default:
                // Piecewise-constant functions, comparisons, logic and the adjoint-only ops pass no derivative.
                return null;
        }
    }

    private static int PowRule(GraphBuilder b, int node, int operand, int g)
    {
        var n = b[node];
        int x = n[0], y = n[1];
        if (operand == 1)
        {
            // ∂(x^y)/∂y = x^y · ln x.
            return b.Mul(g, b.Mul(node, b.Unary(Op.Log, x)));
        }
        // ∂(x^y)/∂x = y · x^(y−1); with a constant exponent the power folds (x² → 2·x).
        int exponent = b.Sub(y, b.One(n.Kind));
        return b.Mul(g, b.Mul(y, b.Binary(Op.Pow, x, exponent)));
    }
}
