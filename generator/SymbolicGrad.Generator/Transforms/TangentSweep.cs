using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Forward mode on the IR: copies a graph node by node into a new builder and, beside each copy, builds its tangent in
/// each direction from its op's <see cref="OpDef.Pushforward"/> — so tangents are hash-consed with the values they read
/// (CSE across both). A loop (forward or reverse) becomes the same loop carrying each varied carried value's tangent
/// as one more carried value: no tape of its own. A value a reverse loop restores has its tangent restored beside it
/// (kept on the tape with it), and a gradient added into an array gets its tangent added into another array. Forward
/// code is copied as it is (bit for bit); only tangents are built with the rewrites of derivatives.
/// </summary>
internal sealed class TangentSweep
{
    private readonly Dag _src;
    private readonly int _directions;
    private readonly int _firstBackward;
    private readonly Func<string, int, string?>? _scatterTarget;
    private readonly int[] _map;
    private readonly int?[][] _tangent;
    private readonly bool[][] _varied;
    private readonly int[] _regionMap;
    private readonly Dictionary<int, int?[]> _seeds = new();
    // (source region, carried index, direction) → index of the carried tangent in the copied region.
    private readonly Dictionary<(int Region, int Carried, int Direction), int> _carriedTangent = new();
    // Copied nodes that read a carried tangent of their loop in the same iteration (memo of OnTangentChain).
    private readonly Dictionary<int, bool> _onTangentChain = new();
    private readonly HashSet<int> _carriedTangentParams = new();

    /// <param name="source">The graph to differentiate.</param>
    /// <param name="directions">How many tangents each value gets (one per direction).</param>
    /// <param name="firstBackward">The source's first backward node (its copies and theirs start <see cref="FirstBackward"/>), or -1.</param>
    /// <param name="scatterTarget">For an effect adding into array <c>name</c>'s gradient, the array its tangent in a direction is added into (null: none).</param>
    public TangentSweep(Dag source, int directions, int firstBackward = -1, Func<string, int, string?>? scatterTarget = null)
    {
        _src = source;
        _directions = directions;
        _firstBackward = firstBackward;
        _scatterTarget = scatterTarget;
        _map = Enumerable.Repeat(-1, source.Count).ToArray();
        _tangent = Enumerable.Range(0, directions).Select(_ => new int?[source.Count]).ToArray();
        _varied = new bool[directions][];
        _regionMap = Enumerable.Repeat(-1, source.Regions.Count).ToArray();
        _regionMap[0] = 0;
        Builder = new GraphBuilder();
    }

    /// <summary>The new graph: create seeds in it before <see cref="Run"/>.</summary>
    public GraphBuilder Builder { get; }

    /// <summary>The first node of the copy of the source's backward part (the whole graph's count if it has none).</summary>
    public int FirstBackward { get; private set; } = -1;

    /// <summary>Gives input <paramref name="input"/> of the source the tangent <paramref name="tangent"/> (a node of <see cref="Builder"/>) in <paramref name="direction"/>.</summary>
    public void Seed(int input, int direction, int tangent)
    {
        if (!_seeds.TryGetValue(input, out var seeds)) _seeds[input] = seeds = new int?[_directions];
        seeds[direction] = tangent;
    }

    /// <summary>The copy of source node <paramref name="node"/>.</summary>
    public int Map(int node) => _map[node];

    /// <summary>The tangent of source node <paramref name="node"/> in <paramref name="direction"/>; null where it is zero.</summary>
    public int? Tangent(int node, int direction) => _tangent[direction][node];

    public void Run()
    {
        for (int d = 0; d < _directions; d++) _varied[d] = Varied(d);
        Builder.BuildingDerivatives = true;
        Builder.Guard = null;
        for (int id = 0; id < _src.Count; id++)
        {
            if (id == _firstBackward) FirstBackward = Builder.Count;
            Copy(id);
        }
        if (FirstBackward < 0) FirstBackward = Builder.Count;
        Builder.CurrentRegion = 0;
    }

    // ---- Which values have a tangent ------------------------------------------------------------

    /// <summary>
    /// The nodes whose tangent in <paramref name="direction"/> may be nonzero: those reading a seeded input, through
    /// loops to a fixpoint (a carried value is varied when its first or its next value is).
    /// </summary>
    private bool[] Varied(int direction)
    {
        var varied = new bool[_src.Count];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int id = 0; id < _src.Count; id++)
            {
                if (varied[id]) continue;
                var n = _src[id];
                if (!n.Kind.IsReal() || n.Op is Op.Loop or Op.ReverseLoop) continue;
                bool value = n.Op switch
                {
                    Op.Input => _seeds.TryGetValue(id, out var seeds) && seeds[direction] is not null,
                    Op.Param or Op.LoopResult => CarriedSources(id).Any(s => varied[s]),
                    Op.Restore => n.Ref >= 0 && varied[n.Ref],
                    // A loop over layers reads its layers' weights, which a model's direction always moves; so do its backward passes.
                    Op.LayerLoop or Op.LayerLoopBackward => true,
                    _ => n.Args.Any(a => varied[a]),
                };
                if (!value) continue;
                varied[id] = true;
                changed = true;
            }
        }
        return varied;
    }

    /// <summary>The first and next value of the carried value a loop's (or reverse loop's) parameter or result stands for.</summary>
    private IEnumerable<int> CarriedSources(int node)
    {
        var n = _src[node];
        int owner = n.Op == Op.Param ? _src.Regions[n.Region].Owner : n[0];
        if (owner < 0 || _src[owner].Body < 0) yield break;
        int j = (int)n.Value;
        yield return _src[owner][1 + j];
        yield return _src.Regions[_src[owner].Body].Results[j];
    }

    // ---- Copying --------------------------------------------------------------------------------

    private void Copy(int id)
    {
        var n = _src[id];
        int region = Region(n.Region);
        Builder.CurrentRegion = region;
        switch (n.Op)
        {
            case Op.Param:
                return; // Made with its region.
            case Op.Loop or Op.ReverseLoop:
                CopyOwner(id);
                return;
            case Op.Scatter:
                CopyScatter(id);
                return;
        }
        var args = n.Args.Select(a => _map[a]).ToArray();
        int copy = Builder.Pinned(n with { Args = new EquatableArray<int>(args), Ref = n.Ref >= 0 ? _map[n.Ref] : -1 });
        _map[id] = copy;
        if (_src.Regions[n.Region].Effects.Contains(id)) Builder.AddEffect(copy);
        for (int d = 0; d < _directions; d++)
        {
            if (_varied[d][id]) _tangent[d][id] = TangentOf(id, d, copy);
        }
    }

    private int? TangentOf(int id, int direction, int copy)
    {
        var n = _src[id];
        switch (n.Op)
        {
            case Op.Input:
                return _seeds.TryGetValue(id, out var seeds) ? seeds[direction] : null;
            case Op.LoopResult:
            {
                var loop = _src[n[0]];
                return _carriedTangent.TryGetValue((loop.Body, (int)n.Value, direction), out int index) ? Builder.LoopResult(_map[n[0]], index) : null;
            }
            case Op.Restore:
            {
                // The restored tangent of a carried value, or of an inner loop's result, is taped beside it.
                if (n.Arity > 0 || n.Ref < 0 || _tangent[direction][n.Ref] is not int tangentOfForward) return null;
                return Builder.Pinned(new Node(Op.Restore, n.Kind, EquatableArray<int>.Empty, n.Shape, Ref: tangentOfForward));
            }
        }
        var tangents = n.Args.Select(a => _tangent[direction][a]).ToArray();
        // A loop over layers (and its reverse) has a tangent from its layers' weights even where its operands have none.
        if (tangents.All(t => t is null) && n.Op is not (Op.LayerLoop or Op.LayerLoopBackward)) return null;
        // Hash-consing may have given the copy an existing node with its commutative operands swapped: the
        // pushforward reads the copy's operands, so the tangents must follow its order.
        var copied = Builder[copy];
        if (n.Arity == 2 && copied.Op == n.Op && copied.Arity == 2 && copied[0] != _map[n[0]])
        {
            (tangents[0], tangents[1]) = (tangents[1], tangents[0]);
        }
        var rule = OpTable.Of(n.Op).Pushforward ?? throw new InvalidOperationException($"{n.Op} has no pushforward");
        int? tangent = rule(Builder, copy, tangents);
        if (tangent is int t && Builder[t].IsConstantValue(0)) return null;
        return tangent is int sum && n.Op == Op.Add ? ShortenChain(sum) : tangent;
    }

    // ---- Latency of carried tangents ------------------------------------------------------------

    /// <summary>
    /// A scalar tangent sum in a loop, regrouped so that the terms reading a carried tangent are added last: for
    /// p = p·x + c[i], tP·x + (tX·p + tC[i]) instead of (tP·x + tX·p) + tC[i]. The carried tangent then waits for one
    /// multiply and one add per iteration, as the value does, not for two adds; the terms that do not depend on it
    /// overlap with the chain. Only tangents are regrouped (derivative code may round differently; forward code never).
    /// </summary>
    private int ShortenChain(int sum)
    {
        var node = Builder[sum];
        if (node.Op != Op.Add || node.Shape is not null || Builder.CurrentRegion == 0) return sum;
        var terms = new List<int>();
        Flatten(sum, node.Kind, terms);
        var chained = terms.Where(OnTangentChain).ToList();
        var others = terms.Where(t => !OnTangentChain(t)).ToList();
        if (chained.Count == 0 || others.Count == 0) return sum;
        int rest = others.Aggregate(Builder.Add);
        int result = chained.Aggregate(Builder.Add);
        return Builder.Add(result, rest);
    }

    private void Flatten(int node, ScalarKind kind, List<int> terms)
    {
        var n = Builder[node];
        if (n.Op == Op.Add && n.Kind == kind && n.Shape is null && n.Region == Builder.CurrentRegion)
        {
            Flatten(n[0], kind, terms);
            Flatten(n[1], kind, terms);
        }
        else terms.Add(node);
    }

    /// <summary>Whether a copied node reads, in the same iteration, a tangent its loop carries.</summary>
    private bool OnTangentChain(int node)
    {
        if (_carriedTangentParams.Contains(node)) return true;
        if (_onTangentChain.TryGetValue(node, out bool known)) return known;
        var n = Builder[node];
        bool result = n.Region != 0 && n.Op is not (Op.Loop or Op.ReverseLoop) && n.Args.Any(OnTangentChain);
        _onTangentChain[node] = result;
        return result;
    }

    /// <summary>The copy of a source region, made when its first node is met: its parameters, then its carried tangents.</summary>
    private int Region(int source)
    {
        if (_regionMap[source] >= 0) return _regionMap[source];
        var region = _src.Regions[source];
        int parent = Region(region.Parent);
        Builder.CurrentRegion = parent;
        int copy = Builder.OpenRegion();
        _regionMap[source] = copy;
        foreach (int p in region.Parameters)
        {
            var n = _src[p];
            _map[p] = Builder.Param((int)n.Value, n.Kind, n.Shape, n.Ref >= 0 ? _map[n.Ref] : -1);
        }
        int next = region.Parameters.Count;
        for (int d = 0; d < _directions; d++)
        {
            for (int j = 0; j < region.Parameters.Count; j++)
            {
                int p = region.Parameters[j];
                if (!_varied[d][p]) continue;
                var n = _src[p];
                _carriedTangent[(source, j, d)] = next;
                int param = Builder.Param(next++, n.Kind, n.Shape);
                _tangent[d][p] = param;
                _carriedTangentParams.Add(param);
            }
        }
        return copy;
    }

    /// <summary>A loop or reverse loop: its body's results (and next tangents), its control, then the node with its first tangents.</summary>
    private void CopyOwner(int id)
    {
        var n = _src[id];
        var body = _src.Regions[n.Body];
        int copiedBody = Region(n.Body);
        var results = body.Results.Select(r => _map[r]).ToList();
        var steps = body.Steps.Count == body.Parameters.Count ? body.Steps.ToList() : body.Parameters.Select(_ => 0).ToList();
        var args = n.Args.Select(a => _map[a]).ToList();
        for (int d = 0; d < _directions; d++)
        {
            for (int j = 0; j < body.Parameters.Count; j++)
            {
                if (!_carriedTangent.ContainsKey((n.Body, j, d))) continue;
                var kind = _src[body.Parameters[j]].Kind;
                results.Add(_tangent[d][body.Results[j]] ?? Builder.Zero(kind));
                steps.Add(0);
                args.Add(_tangent[d][n[1 + j]] ?? Builder.Zero(kind));
            }
        }
        var control = body.Loop is { } c
            ? new LoopControl(c.Condition >= 0 ? _map[c.Condition] : -1, c.Exit >= 0 ? _map[c.Exit] : -1, c.TestFirst)
            : null;
        Builder.CurrentRegion = copiedBody;
        Builder.CloseRegion(results, steps, control);
        Builder.CurrentRegion = Region(n.Region);
        int copy = Builder.Owner(n.Op, n.Kind, copiedBody, args.ToArray(), n.Ref >= 0 ? _map[n.Ref] : -1);
        _map[id] = copy;
        if (_src.Regions[n.Region].Effects.Contains(id)) Builder.AddEffect(copy);
    }

    /// <summary>A gradient added into an array's element, and its tangent added into the array the caller names.</summary>
    private void CopyScatter(int id)
    {
        var n = _src[id];
        var args = n.Args.Select(a => _map[a]).ToArray();
        _map[id] = Builder.Effect(n with { Args = new EquatableArray<int>(args) });
        for (int d = 0; d < _directions; d++)
        {
            if (_tangent[d][n[0]] is not int tangent || _scatterTarget?.Invoke(n.Name!, d) is not string target) continue;
            Builder.Effect(new Node(Op.Scatter, n.Kind, new EquatableArray<int>(new[] { tangent, args[1], args[2] }), Name: target));
        }
    }
}
