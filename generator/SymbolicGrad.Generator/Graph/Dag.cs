using System.Collections.Generic;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Graph;

/// <summary>A frozen, equatable expression DAG: the nodes in topological order.</summary>
internal sealed record Dag(EquatableArray<Node> Nodes)
{
    public Node this[int id] => Nodes[id];

    public int Count => Nodes.Count;

    /// <summary>For each node, whether it is reachable from any root.</summary>
    public bool[] Reachable(IEnumerable<int> roots)
    {
        var seen = new bool[Nodes.Count];
        var stack = new Stack<int>(roots);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (seen[id]) continue;
            seen[id] = true;
            foreach (int arg in Nodes[id].Args) stack.Push(arg);
        }
        return seen;
    }
}
