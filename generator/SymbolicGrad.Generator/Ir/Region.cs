using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// A region of the IR: the method body (region 0), or the body of a loop, which runs once per iteration.
/// A loop body reads its iteration's values through <see cref="Parameters"/> (parameter nodes of the body) and
/// hands the next iteration's values back through <see cref="Results"/>; it may read any value of an enclosing region.
/// </summary>
/// <param name="Id">Its index in <see cref="Dag.Regions"/>.</param>
/// <param name="Parent">The enclosing region; -1 for the method body.</param>
/// <param name="Owner">The node that owns and runs it (a loop); -1 for the method body.</param>
/// <param name="Parameters">The body's parameter nodes, in order.</param>
/// <param name="Results">The body's result nodes, in order.</param>
internal sealed record Region(int Id, int Parent, int Owner, EquatableArray<int> Parameters, EquatableArray<int> Results)
{
    public static readonly Region MethodBody = new(0, -1, -1, EquatableArray<int>.Empty, EquatableArray<int>.Empty);
}
