using System;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Graph;

/// <summary>
/// One node of the expression DAG. Nodes live in a list and refer to their operands by index, which is always
/// smaller than their own: the list is a topological order. Equal nodes are one node (hash-consing).
/// </summary>
/// <param name="Op">The operation.</param>
/// <param name="Kind">The C# type of the value.</param>
/// <param name="Args">Operand indices.</param>
/// <param name="Value">The value of a <see cref="Op.Constant"/>; 0 otherwise.</param>
/// <param name="Name">The parameter name of an <see cref="Op.Input"/>, the C# text of an <see cref="Op.External"/>.</param>
/// <param name="Shape">The tensor shape; null for a scalar shared by the whole batch (every scalar method's values).</param>
internal sealed record Node(Op Op, ScalarKind Kind, EquatableArray<int> Args, double Value = 0, string? Name = null, Shape? Shape = null)
{
    public int Rank => Shape?.Rank ?? 0;

    public bool Batched => Shape?.Batched ?? false;

    public int Arity => Args.Count;

    public bool IsConstant => Op == Op.Constant;

    public bool IsConstantValue(double value) => Op == Op.Constant && Value.Equals(value);

    public int this[int operand] => Args[operand];

    public static Node Leaf(Op op, ScalarKind kind, double value = 0, string? name = null, Shape? shape = null) =>
        new(op, kind, EquatableArray<int>.Empty, value, name, shape);

    public static Node Of(Op op, ScalarKind kind, params int[] args) => new(op, kind, new EquatableArray<int>(args));

    public override string ToString() =>
        Op switch
        {
            Op.Constant => FormattableString.Invariant($"{Value} ({Kind})"),
            Op.Input or Op.External => $"{Name} ({Kind})",
            _ => $"{Op}({string.Join(", ", Args)}) ({Kind})",
        };
}
