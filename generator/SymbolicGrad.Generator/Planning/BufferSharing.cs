using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// Lets an element-wise value take over the buffer of an operand that nothing reads afterwards: <c>t2 = max(t1 + b1, 0)</c>
/// overwrites t1 in place, so a layer keeps one buffer hot in cache instead of two. Only within a pass: the backward
/// pass never writes a buffer of the forward pass, so it can run again on the same workspace.
/// </summary>
internal static class BufferSharing
{
    /// <summary>For each value that takes over a buffer, the value whose buffer it takes.</summary>
    /// <param name="dag">The graph.</param>
    /// <param name="schedule">The stored values, in the order they are computed.</param>
    /// <param name="readAtEnd">Nodes read after both passes (gradient terms, the loss, the logits of CountCorrect).</param>
    /// <param name="inPlace">Whether a stored value is written by an element-wise loop (element k from element k of its operands).</param>
    public static Dictionary<int, int> Plan(Dag dag, Schedule schedule, IEnumerable<int> readAtEnd, System.Func<int, bool> inPlace)
    {
        var statements = schedule.Forward.Concat(schedule.Backward).Select(v => v.Node).ToList();
        int forwardCount = schedule.Forward.Count;
        var lastRead = new Dictionary<int, int>();
        for (int k = 0; k < statements.Count; k++)
        {
            foreach (var (node, _) in Reads(dag, schedule, statements[k])) lastRead[node] = k;
        }
        foreach (int root in readAtEnd)
        {
            // A stored root is read from its own buffer; one computed where it is used reads its operands then.
            if (schedule.Variables.ContainsKey(root)) lastRead[root] = int.MaxValue;
            else foreach (var (node, _) in Reads(dag, schedule, root)) lastRead[node] = int.MaxValue;
        }

        var takes = new Dictionary<int, int>();
        var taken = new HashSet<int>();
        for (int k = 0; k < statements.Count; k++)
        {
            int value = statements[k];
            if (!inPlace(value)) continue;
            var v = dag[value];
            bool backward = k >= forwardCount;
            foreach (var (operand, sameElement) in Reads(dag, schedule, value))
            {
                var o = dag[operand];
                int at = statements.IndexOf(operand);
                bool samePass = at >= 0 && at >= forwardCount == backward;
                if (sameElement && samePass && !taken.Contains(operand) && lastRead[operand] == k
                    && o.Rank == 1 && v.Rank == 1 && o.Batched == v.Batched && o.Kind == v.Kind && o.Shape!.Length == v.Shape!.Length)
                {
                    takes[value] = operand;
                    taken.Add(operand);
                    break;
                }
            }
        }
        return takes;
    }

    /// <summary>
    /// The stored values a node's statement reads, each with whether every read is of the element being written
    /// (not through a label, a slice, a broadcast or a kernel).
    /// </summary>
    public static List<(int Node, bool SameElement)> Reads(Dag dag, Schedule schedule, int node)
    {
        var found = new Dictionary<int, bool>();
        var stack = new Stack<int>();
        stack.Push(node);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            var parent = dag[stack.Pop()];
            var def = OpTable.Of(parent.Op);
            bool elementwise = !def.Is(OpTraits.Structural) && !def.Is(OpTraits.Indexed);
            foreach (int arg in parent.Args)
            {
                if (schedule.Variables.ContainsKey(arg))
                {
                    found[arg] = (found.TryGetValue(arg, out bool same) ? same : true) && elementwise;
                }
                else if (dag[arg].Op != Op.Input && seen.Add(arg))
                {
                    stack.Push(arg);
                }
            }
        }
        return found.Select(p => (p.Key, p.Value)).ToList();
    }
}
