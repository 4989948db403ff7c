using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// The transform stage of the methods derived besides the gradient, as <c>[Differentiable(Jvp = true, Hessian = true)]</c>
/// asks: <c>NameJvp</c> (<see cref="ForwardMode"/>), <c>NameHessian</c> and <c>NameHvp</c> (<see cref="SecondOrder"/>).
/// Each is a <see cref="GradientModel"/> the planner schedules as it schedules gradients.
/// </summary>
internal static class DerivedMethods
{
    public static DerivedTransformResult Transform(TransformResult reverse)
    {
        if (reverse.Model is not { } gradient || !(gradient.Method.Jvp || gradient.Method.Hessian)) return DerivedTransformResult.None;
        var method = gradient.Method;
        try
        {
            var models = new List<DerivedModel>();
            if (method.Jvp && ForwardMode.Refusal(method) is { } refused)
            {
                var diagnostic = DiagnosticInfo.Create(DiagnosticCatalogue.DerivedFormKind, method.Location, method.Name, "Jvp", refused);
                return new DerivedTransformResult(EquatableArray<DerivedModel>.Empty, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
            }
            if (method.Jvp) models.Add(ForwardMode.Jvp(method, gradient));
            if (method.Hessian && method.Kind == MethodKind.TensorFunction)
            {
                if (SecondOrder.TensorRefusal(gradient) is { } reason)
                {
                    var diagnostic = DiagnosticInfo.Create(DiagnosticCatalogue.DerivedFormKind, method.Location, method.Name, "Hessian", reason);
                    return new DerivedTransformResult(models.ToEquatableArray(), new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
                }
                models.Add(SecondOrder.TensorHvp(gradient));
            }
            else if (method.Hessian && method.Kind == MethodKind.ModelMethod)
            {
                if (SecondOrder.ModelRefusal(gradient) is { } reason)
                {
                    var diagnostic = DiagnosticInfo.Create(DiagnosticCatalogue.DerivedFormKind, method.Location, method.Name, "Hessian", reason);
                    return new DerivedTransformResult(models.ToEquatableArray(), new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
                }
                models.Add(SecondOrder.ModelHvp(gradient));
            }
            else if (method.Hessian)
            {
                if (method.Parameters.Where(p => p.IsDifferentiable).All(p => !p.IsArray)) models.Add(SecondOrder.Hessian(gradient));
                models.Add(SecondOrder.Hvp(gradient));
            }
            return new DerivedTransformResult(models.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (Exception exception)
        {
            return Failed(method, exception);
        }
    }

    public static DerivedPlanResult Plan(DerivedTransformResult result)
    {
        var plans = new List<DerivedPlan>();
        foreach (var derived in result.Models)
        {
            try
            {
                plans.Add(new DerivedPlan(derived, Planner.Plan(derived.Model, out _)));
            }
            catch (Exception exception)
            {
                return new DerivedPlanResult(EquatableArray<DerivedPlan>.Empty, result.Diagnostics.Concat(Failed(derived.Original, exception).Diagnostics).ToEquatableArray());
            }
        }
        return new DerivedPlanResult(plans.ToEquatableArray(), result.Diagnostics);
    }

    /// <summary>The generator never throws: a bug becomes a diagnostic on the method.</summary>
    private static DerivedTransformResult Failed(MethodModel method, Exception exception) =>
        new(EquatableArray<DerivedModel>.Empty, new EquatableArray<DiagnosticInfo>(new[]
        {
            DiagnosticInfo.Create(DiagnosticCatalogue.InternalError, method.Location, method.Name, exception.GetType().Name + ": " + exception.Message),
        }));

    // ---- Shared by the derived methods ----------------------------------------------------------

    /// <summary><c>t</c> + the name with its first letter upper-cased: the tangent of <c>x</c> is <c>tX</c>.</summary>
    public static string TangentName(string name) => "t" + NameAllocator.Capitalize(name);

    /// <summary>The part of H·t for parameter <c>x</c>: <c>hvX</c>.</summary>
    public static string HvName(string name) => "hv" + NameAllocator.Capitalize(name);

    /// <summary>
    /// A layer's Mat input (the carried vector, the backward pass's seed) given a tangent input of its own, named t + its
    /// name apart from <paramref name="taken"/>: the parameter by which a layer's Jvp or Hvp takes that tangent.
    /// </summary>
    public static ParameterInfo LayerTangent(MethodModel layer, TangentSweep sweep, NameAllocator taken, int input, out int node)
    {
        var n = layer.Graph[input];
        string name = taken.Allocate(TangentName(NameAllocator.Bare(n.Name!)));
        node = sweep.Builder.Input(name, n.Kind, n.Shape);
        sweep.Seed(input, 0, node);
        return new ParameterInfo(name, n.Kind, false, "", node, null, Type: "global::SymbolicGrad.Mat");
    }

    /// <summary>
    /// One tangent input per differentiable parameter, seeding <paramref name="direction"/>: <c>T tX</c> for a scalar,
    /// <c>ReadOnlySpan&lt;T&gt; tA</c> (read by index, as the array) for an array, <c>Vec tX</c>/<c>Mat tW</c> of the
    /// parameter's shape for a Vec or Mat.
    /// </summary>
    public static List<ParameterInfo> TangentInputs(MethodModel method, TangentSweep sweep, int direction = 0)
    {
        var tangents = new List<ParameterInfo>();
        // A model's weight tangents are locals, not parameters the user can see (SG0017 guards those): keep them apart
        // from the method's parameters and the names in scope.
        var taken = new HashSet<string>(method.Parameters.Select(p => NameAllocator.Bare(p.Name)).Concat(method.ScopeNames));
        foreach (var p in method.Parameters.Where(p => p.IsDifferentiable))
        {
            string name = TangentName(p.Name);
            if (method.Kind == MethodKind.ModelMethod)
            {
                string bare = NameAllocator.Bare(name);
                for (int k = 2; taken.Contains(name); k++) name = bare + k;
                taken.Add(name);
            }
            string keyword = p.Kind.Keyword();
            if (method.Graph[p.Input].Shape is { } shape && !p.IsArray)
            {
                // A Vec or Mat parameter's tangent has its shape (the generated code checks that it does).
                int tensor = sweep.Builder.Input(name, p.Kind, shape);
                sweep.Seed(p.Input, direction, tensor);
                tangents.Add(new ParameterInfo(name, p.Kind, false, "", tensor, p.Location,
                    Type: "global::SymbolicGrad." + (shape.Rank == 2 ? "Mat" : "Vec")));
                continue;
            }
            int input = p.IsArray
                ? sweep.Builder.Input(name, p.Kind, Shape.Vector(Dim.Of(name, Axis.Length), batched: false))
                : sweep.Builder.Input(name, p.Kind);
            sweep.Seed(p.Input, direction, input);
            tangents.Add(new ParameterInfo(name, p.Kind, false, "", input, p.Location,
                Type: p.IsArray ? $"global::System.ReadOnlySpan<{keyword}>" : keyword, IsArray: p.IsArray));
        }
        return tangents;
    }

    /// <summary>
    /// The names of the copied graph: each named value keeps its name, and its tangent in direction d is named
    /// <paramref name="tangentName"/>(name, d); so is the tangent of each adjoint of a named value (<c>dZ</c>).
    /// </summary>
    public static (List<NodeName> Locals, List<NodeName> Recomputed, List<AdjointOf> Adjoints) Names(
        MethodModel method, GradientModel? gradient, TangentSweep sweep, int directions, Func<string, int, string> tangentName)
    {
        var dag = sweep.Builder;
        var locals = new List<NodeName>();
        var recomputed = new List<NodeName>();
        var adjoints = new List<AdjointOf>();
        var named = new Dictionary<int, string>();
        void Add(List<NodeName> list, int source, string name)
        {
            list.Add(new NodeName(sweep.Map(source), name));
            if (!named.ContainsKey(source)) named[source] = name;
            for (int d = 0; d < directions; d++)
            {
                if (sweep.Tangent(source, d) is int t && IsComputed(dag[t])) locals.Add(new NodeName(t, tangentName(name, d)));
            }
        }
        foreach (var local in method.LocalNames) Add(locals, local.Node, local.Name);
        if (gradient is null) return (locals, recomputed, adjoints);
        foreach (var copy in gradient.Recomputed) Add(recomputed, copy.Node, copy.Name);
        // A reverse loop's carried adjoint is named after what it is the adjoint of (dX); so is its tangent (tDX).
        var graph = gradient.Graph;
        for (int id = 0; id < graph.Count; id++)
        {
            var n = graph[id];
            int owner = graph.Regions[n.Region].Owner;
            if (n.Op != Op.Param || n.Ref < 0 || owner < 0 || graph[owner].Op != Op.ReverseLoop) continue;
            var primal = graph[n.Ref];
            string? of = primal.Op == Op.Input ? primal.Name!.TrimStart('@') : named.TryGetValue(n.Ref, out var p) ? p.TrimStart('@') : null;
            if (of is null) continue;
            for (int d = 0; d < directions; d++)
            {
                if (sweep.Tangent(id, d) is int t) locals.Add(new NodeName(t, tangentName("d" + NameAllocator.Capitalize(of), d)));
            }
        }
        foreach (var adjoint in gradient.Adjoints)
        {
            adjoints.Add(new AdjointOf(sweep.Map(adjoint.Adjoint), sweep.Map(adjoint.Primal)));
            var primal = gradient.Graph[adjoint.Primal];
            string? of = primal.Op == Op.Input ? primal.Name!.TrimStart('@') : named.TryGetValue(adjoint.Primal, out var n) ? n.TrimStart('@') : null;
            if (of is null) continue;
            for (int d = 0; d < directions; d++)
            {
                if (sweep.Tangent(adjoint.Adjoint, d) is int t && IsComputed(dag[t])) locals.Add(new NodeName(t, tangentName("d" + NameAllocator.Capitalize(of), d)));
            }
        }
        return (locals, recomputed, adjoints);
    }

    /// <summary>A value the code computes or carries (not a constant or a parameter of the method), which a name can go to.</summary>
    private static bool IsComputed(Node node) => node.Op is not (Op.Constant or Op.Input or Op.External);

    /// <summary>The method as the derived method's planner sees it: named as the generated method, over the new graph.</summary>
    public static MethodModel Derive(MethodModel method, string name, IEnumerable<ParameterInfo> parameters, Dag graph, int output,
        IEnumerable<NodeName> locals, IEnumerable<string> generatedNames, TangentSweep sweep) =>
        method with
        {
            Name = name,
            Parameters = parameters.ToEquatableArray(),
            Graph = graph,
            Output = output,
            LocalNames = locals.ToEquatableArray(),
            ScopeNames = method.ScopeNames.Concat(generatedNames).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
            Loops = method.Loops.Select(l => l with { Node = sweep.Map(l.Node) }).ToEquatableArray(),
        };
}
