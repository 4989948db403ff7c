using System.Collections.Generic;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Ir;

/// <summary>A frozen, equatable IR graph: the nodes in topological order, and the regions they belong to.</summary>
internal sealed record Dag(EquatableArray<Node> Nodes, EquatableArray<Region> Regions)
{
    public Node this[int id] => Nodes[id];

    public int Count => Nodes.Count;

    /// <summary>The effects of the method body: roots besides the result and the gradients.</summary>
    public EquatableArray<int> RootEffects => Regions[0].Effects;

    /// <summary>For each node, whether it is reachable from any root through operands (and a loop's body results and exit).</summary>
    public bool[] Reachable(IEnumerable<int> roots)
    {
        var seen = new bool[Nodes.Count];
        var stack = new Stack<int>(roots);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (seen[id]) continue;
            seen[id] = true;
            var node = Nodes[id];
            foreach (int arg in node.Args) stack.Push(arg);
            // A restored value needs its forward value computed (and kept) when the forward loop runs.
            if (node.Op == Op.Restore && node.Ref >= 0) stack.Push(node.Ref);
            if (node.Body >= 0)
            {
                foreach (int result in Regions[node.Body].Results) stack.Push(result);
                foreach (int effect in Regions[node.Body].Effects) stack.Push(effect);
                // The exit test runs after the iteration's next values are assigned, so it is computed in the body
                // (from the values the iteration started with), not printed inline over variables already updated.
                if (Regions[node.Body].Loop is { Exit: >= 0 } control) stack.Push(control.Exit);
                // The test before each iteration is printed inline in the loop's header; what it reads from outside
                // the loop (the result of an earlier loop, say) must still be computed before it.
                if (Regions[node.Body].Loop is { Condition: >= 0 } test) PushOutside(test.Condition, node.Body, stack);
            }
        }
        return seen;
    }

    private void PushOutside(int id, int body, Stack<int> stack)
    {
        if (!Region.Encloses(this, body, Nodes[id].Region))
        {
            stack.Push(id);
            return;
        }
        foreach (int arg in Nodes[id].Args) PushOutside(arg, body, stack);
    }
}
