using System;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// One node of the IR. Nodes live in a list and refer to their operands by index, always smaller than their own,
/// so the list is a topological order; within a region it is also the execution order. Equal nodes of one region are
/// one node (hash-consing).
/// </summary>
/// <param name="Op">The operation; <see cref="OpTable"/> holds everything about it.</param>
/// <param name="Kind">The C# type of the value (of each element, for a tensor).</param>
/// <param name="Args">Operand indices.</param>
/// <param name="Shape">The tensor shape; null for a scalar shared by the whole batch (every scalar function's values).</param>
/// <param name="Value">The value of a <see cref="Op.Constant"/>; 0 otherwise.</param>
/// <param name="Name">The C# name of an <see cref="Op.Input"/>, the C# text of an <see cref="Op.External"/>.</param>
/// <param name="Dim">The dimension an op is about: the extent of <see cref="Op.Length"/>, the offset of <see cref="Op.Slice"/>.</param>
/// <param name="Region">The region (a method body or a loop body) the node belongs to.</param>
/// <param name="Body">For a region-owning node (a loop), its body region; -1 otherwise.</param>
/// <param name="Ref">A node this one is about without reading it at run time (the value a <see cref="Op.Restore"/> restores); -1 if none.</param>
internal sealed record Node(
    Op Op,
    ScalarKind Kind,
    EquatableArray<int> Args,
    Shape? Shape = null,
    double Value = 0,
    string? Name = null,
    Dim? Dim = null,
    int Region = 0,
    int Body = -1,
    int Ref = -1)
{
    public int Rank => Shape?.Rank ?? 0;

    public bool Batched => Shape?.Batched ?? false;

    public int Arity => Args.Count;

    public bool IsConstant => Op == Op.Constant;

    public bool IsConstantValue(double value) => Op == Op.Constant && Value.Equals(value);

    public int this[int operand] => Args[operand];

    public static Node Leaf(Op op, ScalarKind kind, double value = 0, string? name = null, Shape? shape = null) =>
        new(op, kind, EquatableArray<int>.Empty, shape, value, name);

    public static Node Of(Op op, ScalarKind kind, params int[] args) => new(op, kind, new EquatableArray<int>(args));

    public override string ToString() =>
        Op switch
        {
            Op.Constant => FormattableString.Invariant($"{Value} ({Kind})"),
            Op.Input or Op.External => $"{Name} ({Kind})",
            _ => $"{Op}({string.Join(", ", Args)}) ({Kind})",
        };
}
