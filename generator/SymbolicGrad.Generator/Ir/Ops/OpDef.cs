using System;
using System.Collections.Generic;

namespace SymbolicGrad.Generator.Ir;

/// <summary>Given ∂f/∂node (<paramref name="adjoint"/>), the contribution to ∂f/∂(operand number <paramref name="operand"/>), or null for none.</summary>
internal delegate int? PullbackRule(GraphBuilder b, int node, int operand, int adjoint);

/// <summary>Given the tangents of the operands (null: zero), the node's tangent, or null for zero (forward mode).</summary>
internal delegate int? PushforwardRule(GraphBuilder b, int node, IReadOnlyList<int?> tangents);

/// <summary>The shape of a structural op's result from its operands.</summary>
internal delegate Shape? ShapeRule(GraphBuilder b, Node node);

/// <summary>
/// Everything the compiler knows about one operation, in one place: its traits, how it folds on constants, its
/// derivatives, how it reads in math comments and in C#, its SIMD form and its kernel. Entries live in <see cref="OpTable"/>.
/// </summary>
internal sealed class OpDef
{
    public OpDef(Op op, string name, OpTraits traits)
    {
        Op = op;
        Name = name;
        Traits = traits;
    }

    public Op Op { get; }


    /// <summary>The name in math comments and derived variable names (<c>sin</c> → <c>sinZ</c>).</summary>
    public string Name { get; }

    public OpTraits Traits { get; }

    /// <summary>The result from double operands (an exact double computation), or null to leave it to run time.</summary>
    public Func<double[], double?>? FoldReal { get; init; }

    /// <summary>Whether <see cref="FoldReal"/> rounded to float equals the float operation (true of + − · / and negation).</summary>
    public bool FoldsExactlyInFloat { get; init; }

    /// <summary>The int result from the operands' values (ints, or the real operand of a conversion or sign), or null.</summary>
    public Func<double[], double?>? FoldInt { get; init; }

    public Func<double[], bool?>? FoldBoolean { get; init; }

    /// <summary>Reverse mode; null: no derivative flows through the op.</summary>
    public PullbackRule? Pullback { get; init; }

    /// <summary>Forward mode; null: not yet defined for this op.</summary>
    public PushforwardRule? Pushforward { get; init; }

    /// <summary>The result's shape, for structural ops (element-wise ops broadcast their operands).</summary>
    public ShapeRule? Shape { get; init; }

    /// <summary>Math notation, for comments.</summary>
    public Notation? Math { get; init; }

    /// <summary>C# notation of one element; null for ops written only as kernels.</summary>
    public Notation? CSharp { get; init; }

    /// <summary>The exact SIMD form over <c>Lanes</c> (rounding as the scalar form); null: loops with this op stay scalar.</summary>
    public Notation? Lanes { get; init; }

    /// <summary>For conditions: the SIMD mask form.</summary>
    public Notation? LanesMask { get; init; }

    /// <summary>
    /// The operands this op reads from memory (a kernel's inputs, a vector read at a label or offset), which tensor code
    /// must store in a buffer rather than compute inline; none if null.
    /// </summary>
    public Func<Node, int[]>? OperandsInMemory { get; init; }

    /// <summary>
    /// For an op that may throw (integer division by zero, Clamp with min &gt; max, Sign of NaN, an index out of range):
    /// given the node, operands to read instead that cannot make it throw, one per operand (null: keep that one); null
    /// when the node cannot throw. Under a condition c the builder makes the op read <c>c ? operand : safe</c> (see
    /// <see cref="GraphBuilder.Guard"/>), so code computed ahead of its condition throws only where the user's method does.
    /// </summary>
    public Func<GraphBuilder, Node, int?[]?>? SafeOperands { get; init; }

    /// <summary>
    /// Workspace buffers a node of this op keeps beside its value, by suffix and element type (batch norm's saved
    /// statistics, pooling's argmax): written by its kernel, read by its pullback's kernels.
    /// </summary>
    public (string Suffix, string Type)[] Scratch { get; init; } = new (string, string)[0];

    /// <summary>Whether a node of this op needs its <see cref="Scratch"/> buffers; null: always.</summary>
    public Func<Node, bool>? NeedsScratch { get; init; }

    /// <summary>
    /// Checks the generated argument check makes before any memory is touched (a layer's fit to its input), as C#
    /// statements; <c>size</c> writes a dimension, <c>method</c> is the method's name for the messages.
    /// </summary>
    public Func<Dag, Node, Func<Dim, string>, string, IEnumerable<string>>? Checks { get; init; }

    /// <summary>For structural ops: the kernel call or loop.</summary>
    public KernelLowering? Kernel { get; init; }

    public bool Is(OpTraits traits) => (Traits & traits) == traits;
}
