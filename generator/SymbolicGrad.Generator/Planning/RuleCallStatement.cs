using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>A call of a derivative rule: <c>FRule(a, b, out double dFdA, out _);</c>, its outs named (empty: discarded).</summary>
/// <param name="Call">The <see cref="Ir.Op.RuleCall"/> node.</param>
/// <param name="Outs">The local of each out, in order; empty where nothing reads it.</param>
/// <param name="Rented">
/// For an array's out, the local holding the pooled array its buffer is rented from when the array is too long for
/// the stack (given back before the method returns); empty for a scalar's out.
/// </param>
internal sealed record RuleCallStatement(int Call, EquatableArray<string> Outs, EquatableArray<string> Rented) : Statement;
