using System;

namespace SymbolicGrad.Generator.Ir;

/// <summary>Facts about an operation that the stages test (never the op itself: adding an op adds no case anywhere).</summary>
[Flags]
internal enum OpTraits
{
    None = 0,
    /// <summary>No operands: a constant, an input, a read of a static field, a dimension.</summary>
    Leaf = 1 << 0,
    /// <summary>Element k of the result reads element k of each operand (scalars broadcast): one inline expression.</summary>
    Elementwise = 1 << 1,
    /// <summary>Operands may be swapped (hash-consing treats a+b and b+a as one node).</summary>
    Commutative = 1 << 2,
    /// <summary>A comparison of two numbers, giving a bool.</summary>
    Comparison = 1 << 3,
    /// <summary>&amp;&amp;, || or !, on bools.</summary>
    Logic = 1 << 4,
    /// <summary>Piecewise constant: no derivative flows through it (a warning when it touches a differentiable value).</summary>
    ZeroDerivative = 1 << 5,
    /// <summary>Written as a kernel call or a dedicated loop into a buffer of its own, never inline.</summary>
    Structural = 1 << 6,
    /// <summary>Inline, but reads its operand at another position than the element written (a label, a slice, a broadcast).</summary>
    Indexed = 1 << 7,
    /// <summary>
    /// Bound to the region it is built in: never hoisted out of a loop, even when its operands are outside it (an array
    /// read that may throw, a region's parameter, a restored value, an effect).
    /// </summary>
    Pinned = 1 << 8,
    /// <summary>Run for its effect, never merged with an equal node (each adds into a gradient).</summary>
    Effect = 1 << 9,
    /// <summary>Owns a region (a loop), or reads what one produced (or what a statement with several results produced: a rule's outs).</summary>
    Control = 1 << 10,
    /// <summary>The same memory as its operand under another shape: never stored, read through its operand.</summary>
    View = 1 << 11,
    /// <summary>Its kernel depends on the model's mode (<c>Model.Training</c>), read once per call.</summary>
    ReadsMode = 1 << 12,
    /// <summary>Its kernel draws from the model's random stream, taken once per training-mode forward pass.</summary>
    DrawsRandom = 1 << 13,
}
