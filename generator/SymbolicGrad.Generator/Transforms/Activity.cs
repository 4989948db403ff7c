using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Activity analysis: a node is varied when it depends on a differentiable parameter, useful when the result depends
/// on it, and active when both. Only active nodes get adjoints, so no backward work is wasted. Through a loop, a carried
/// value is varied when its first value or any iteration's next value is, and useful when the loop's result for it is,
/// or another useful carried value's next value reads it: both are fixpoints over the iterations.
/// </summary>
internal sealed class Activity
{
    private readonly bool[] _varied;
    private readonly bool[] _useful;

    private Activity(bool[] varied, bool[] useful)
    {
        _varied = varied;
        _useful = useful;
    }

    public static Activity Analyse(MethodModel method)
    {
        var dag = method.Graph;
        var inputs = new HashSet<int>(method.Parameters.Where(p => p.IsDifferentiable).Select(p => p.Input));
        // A layer's carried input: the previous layer's backward pass needs its gradient.
        if (method.Layer is { } layer) inputs.Add(layer.Carried);
        return new Activity(Varied(dag, inputs), Useful(dag, method.Output));
    }

    private static bool[] Varied(Dag dag, HashSet<int> inputs)
    {
        var varied = new bool[dag.Count];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int id = 0; id < dag.Count; id++)
            {
                var node = dag[id];
                // Integers and conditions carry no derivative, even when computed from a varied value.
                bool value = node.Kind.IsReal() && (inputs.Contains(id) || node.Op switch
                {
                    Op.Param => CarriedSources(dag, id).Any(s => varied[s]),
                    Op.LoopResult => CarriedSources(dag, id).Any(s => varied[s]),
                    // A loop over layers reads the layers' weights, always differentiable.
                    Op.LayerLoop => true,
                    _ => node.Args.Any(a => varied[a]),
                });
                if (value && !varied[id])
                {
                    varied[id] = true;
                    changed = true;
                }
            }
        }
        return varied;
    }

    private static bool[] Useful(Dag dag, int output)
    {
        var useful = new bool[dag.Count];
        var stack = new Stack<int>();
        stack.Push(output);
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (useful[id]) continue;
            useful[id] = true;
            var node = dag[id];
            // A loop's result or an iteration's parameter depends on the carried value's first and next values; the loop
            // node itself (whether to go on) carries no derivative.
            var sources = node.Op is Op.Param or Op.LoopResult ? CarriedSources(dag, id) : node.Op == Op.Loop ? Enumerable.Empty<int>() : node.Args;
            foreach (int source in sources) stack.Push(source);
            // The carried value is useful as a whole, even where no iteration reads it (a value set by the last
            // iteration only, such as a return value): its adjoint enters the reverse loop through its parameter.
            if (node.Op == Op.LoopResult && CarriedParameter(dag, id) is int parameter) stack.Push(parameter);
        }
        return useful;
    }

    /// <summary>The first value and the next value of the carried value a loop parameter or loop result stands for.</summary>
    public static IEnumerable<int> CarriedSources(Dag dag, int node)
    {
        var n = dag[node];
        int loop = n.Op == Op.Param ? dag.Regions[n.Region].Owner : n[0];
        if (loop < 0 || dag[loop].Op != Op.Loop) yield break;
        int j = (int)n.Value;
        var body = dag.Regions[dag[loop].Body];
        yield return dag[loop][1 + j];
        yield return body.Results[j];
    }

    /// <summary>The body parameter of the carried value a loop result stands for, or null.</summary>
    private static int? CarriedParameter(Dag dag, int result)
    {
        int loop = dag[result][0];
        if (loop < 0 || dag[loop].Op != Op.Loop) return null;
        var parameters = dag.Regions[dag[loop].Body].Parameters;
        int j = (int)dag[result].Value;
        return j < parameters.Count ? parameters[j] : null;
    }

    public bool IsUseful(int node) => node < _useful.Length && _useful[node];

    public bool IsActive(int node) => node < _varied.Length && _varied[node] && _useful[node];
}
