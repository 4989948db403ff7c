using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.Onnx;

/// <summary>
/// The dimensions a prediction's ops make equal (W·x: x's length is W's columns; a + b: equal lengths; an image view:
/// its vector's length), so that an
/// input's length can be read from the model's weights at export time (<c>x.Length</c> → <c>W1.Cols</c>).
/// </summary>
internal sealed class DimClasses
{
    private readonly Dictionary<Dim, Dim> _parent = new();

    public DimClasses(Dag dag, bool[] reachable)
    {
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            if (n.Op == Op.MatVec)
            {
                Union(dag[n[0]].Shape!.Cols, dag[n[1]].Shape!.Length);
            }
            else if (n.Op is Op.Reshape or Op.Dropout or Op.BatchNorm)
            {
                // The same elements (an image view of a vector), or as many.
                Union(n.Shape!.Length, dag[n[0]].Shape!.Length);
            }
            else if (OpTable.Of(n.Op).Is(OpTraits.Elementwise) && n.Rank == 1)
            {
                foreach (int operand in n.Args.Where(a => dag[a].Rank == 1)) Union(n.Shape!.Length, dag[operand].Shape!.Length);
            }
        }
    }

    /// <summary>A dimension equal to <paramref name="dim"/> that reads only what <paramref name="known"/> accepts (the model's fields), or null.</summary>
    public Dim? Resolve(Dim dim, System.Func<Dim, bool> known)
    {
        if (known(dim)) return dim;
        var root = Find(dim);
        // A snapshot: Find compresses paths, which writes to the dictionary.
        return _parent.Keys.ToList().Where(d => Find(d) == root).FirstOrDefault(known);
    }

    private void Union(Dim a, Dim b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra != rb) _parent[ra] = rb;
    }

    private Dim Find(Dim d)
    {
        if (!_parent.TryGetValue(d, out var parent))
        {
            _parent[d] = d;
            return d;
        }
        if (parent == d) return d;
        var root = Find(parent);
        _parent[d] = root;
        return root;
    }
}
