using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Activity analysis: a node is varied when it depends on a differentiable parameter, useful when the result
/// depends on it, and active when both. Only active nodes get adjoints, so no backward work is wasted.
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
        var varied = new bool[dag.Count];
        var inputs = method.Parameters.Where(p => p.IsDifferentiable).Select(p => p.Input).ToArray();
        for (int id = 0; id < dag.Count; id++)
        {
            var node = dag[id];
            // Integers and conditions carry no derivative, even when computed from an active value.
            varied[id] = node.Kind.IsReal() && (inputs.Contains(id) || node.Args.Any(a => varied[a]));
        }
        var useful = dag.Reachable(new[] { method.Output });
        return new Activity(varied, useful);
    }

    public bool IsUseful(int node) => node < _useful.Length && _useful[node];

    public bool IsActive(int node) => node < _varied.Length && _varied[node] && _useful[node];
}
