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
/// <param name="Effects">Nodes run for their effect (a gradient added into an array), in order: roots of the region.</param>
/// <param name="Steps">
/// For each parameter, the constant an iteration adds to it when it is an induction variable (<c>i++</c>: 1), else 0:
/// its value in iteration t is then its first value + t·step, and the reverse pass recomputes it instead of storing it.
/// </param>
/// <param name="Loop">For a forward loop's body, how the loop goes on; null otherwise.</param>
internal sealed record Region(int Id, int Parent, int Owner, EquatableArray<int> Parameters, EquatableArray<int> Results, EquatableArray<int> Effects,
    EquatableArray<int> Steps, LoopControl? Loop = null)
{
    public static readonly Region MethodBody = new(0, -1, -1, EquatableArray<int>.Empty, EquatableArray<int>.Empty, EquatableArray<int>.Empty,
        EquatableArray<int>.Empty);

    /// <summary>Whether <paramref name="region"/> is this region or nested in it.</summary>
    public static bool Encloses(Dag dag, int outer, int region)
    {
        for (int r = region; r >= 0; r = dag.Regions[r].Parent)
        {
            if (r == outer) return true;
        }
        return false;
    }
}

/// <summary>
/// How a forward loop goes on: <c>while (Condition) { body; carried = next; if (Exit) break; }</c>, the condition tested
/// before the first iteration too, or only from the second (<c>do … while</c>).
/// </summary>
/// <param name="Condition">The loop's condition over the body's parameters (the carried values at an iteration's start); -1: always.</param>
/// <param name="Exit">Whether an iteration left the loop (a break or a return), over the body's nodes; -1: never.</param>
/// <param name="TestFirst">False for <c>do … while</c>: the first iteration runs without a test.</param>
internal sealed record LoopControl(int Condition, int Exit, bool TestFirst);
