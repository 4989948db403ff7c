using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Transforms;

/// <summary>
/// Second derivatives, forward over reverse: the tangent sweep runs over the gradient's whole IR (the forward pass and
/// the backward pass, loops and their reverses included), so the tangent of each gradient entry is a row of the Hessian
/// (several directions), or of H·t (one direction), with every value CSE'd across the passes and their tangents.
/// </summary>
internal static class SecondOrder
{
    /// <summary>
    /// <c>NameHessian</c> of a function of scalars: one direction per differentiable parameter, seeded with 1. Entry (i, j)
    /// is the tangent of gradient entry i in direction j, asked for j ≥ i only: the code computes each symmetric entry once.
    /// </summary>
    public static DerivedModel Hessian(GradientModel gradient)
    {
        var method = gradient.Method;
        var wrt = method.Parameters.Where(p => p.IsDifferentiable).ToList();
        int n = wrt.Count;
        var sweep = new TangentSweep(gradient.Graph, n, gradient.FirstBackwardNode);
        for (int j = 0; j < n; j++) sweep.Seed(wrt[j].Input, j, sweep.Builder.One(wrt[j].Kind));
        sweep.Run();
        var b = sweep.Builder;
        var outputs = new List<int>();
        for (int i = 0; i < n; i++) outputs.Add(sweep.Map(gradient.Gradients[i]));
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++) outputs.Add(sweep.Tangent(gradient.Gradients[i], j) ?? b.Zero(wrt[i].Kind));
        }
        // z_x: the derivative of z with respect to x.
        var (locals, recomputed, adjoints) = DerivedMethods.Names(method, gradient, sweep, n, (name, d) => name.TrimStart('@') + "_" + wrt[d].Name.TrimStart('@'));
        var graph = b.ToDag();
        var parameters = method.Parameters.Select(p => p with { IsDifferentiable = false });
        var derived = DerivedMethods.Derive(method, method.Name + "Hessian", parameters, graph, sweep.Map(method.Output), locals,
            new[] { "gradient", "hessian" }, sweep);
        var roots = outputs.ToEquatableArray();
        var model = new GradientModel(derived, graph, sweep.FirstBackward, EquatableArray<int>.Empty, adjoints.ToEquatableArray(),
            recomputed.ToEquatableArray(), roots);
        return new DerivedModel(DerivedKind.Hessian, method, model, roots);
    }

    /// <summary>
    /// <c>NameHvp</c>: one direction, seeded by the tangent parameters. The gradient is computed as <c>NameGradient</c>
    /// computes it (outs and buffers named alike); H·t is the tangent of each gradient entry, an array's added by the
    /// tangents of the effects that add its gradient.
    /// </summary>
    public static DerivedModel Hvp(GradientModel gradient)
    {
        var method = gradient.Method;
        var sweep = new TangentSweep(gradient.Graph, 1, gradient.FirstBackwardNode, (array, _) => DerivedMethods.HvName(array.TrimStart('@')));
        var tangents = DerivedMethods.TangentInputs(method, sweep);
        sweep.Run();
        var b = sweep.Builder;
        var wrt = method.Parameters.Where(p => p.IsDifferentiable).ToList();
        var gradients = gradient.Gradients.Select(sweep.Map).ToEquatableArray();
        var outputs = new List<int>();
        var hvArrays = new List<ParameterInfo>();
        var generated = new List<string>();
        for (int i = 0; i < wrt.Count; i++)
        {
            var p = wrt[i];
            string hv = DerivedMethods.HvName(p.Name);
            if (p.IsArray)
            {
                // The buffer H·t is added into, named as the effects that add into it.
                int input = b.Input(hv, p.Kind, Shape.Vector(Dim.Of(hv, Axis.Length), batched: false));
                hvArrays.Add(new ParameterInfo(hv, p.Kind, false, hv, input, p.Location, Type: $"global::System.Span<{p.Kind.Keyword()}>", IsArray: true));
                continue;
            }
            generated.Add(hv);
            outputs.Add(sweep.Tangent(gradient.Gradients[i], 0) ?? b.Zero(p.Kind));
        }
        var (locals, recomputed, adjoints) = DerivedMethods.Names(method, gradient, sweep, 1, (name, _) => DerivedMethods.TangentName(name));
        var graph = b.ToDag();
        var parameters = method.Parameters.Concat(tangents).Concat(hvArrays);
        var derived = DerivedMethods.Derive(method, method.Name + "Hvp", parameters, graph, sweep.Map(method.Output), locals, generated, sweep);
        var roots = outputs.ToEquatableArray();
        var model = new GradientModel(derived, graph, sweep.FirstBackward, gradients, adjoints.ToEquatableArray(), recomputed.ToEquatableArray(), roots);
        return new DerivedModel(DerivedKind.Hvp, method, model, roots);
    }
    /// <summary>
    /// <c>NameHvp</c> of a static function of Vec and Mat values: one direction, seeded by a Vec/Mat tangent of each
    /// differentiable parameter's shape. The gradient goes into the dX buffers as <c>NameGradient</c> adds it; H·t is the
    /// tangent of each parameter's adjoint, planned as the "gradient" of that parameter's tangent input, whose buffer is
    /// hvX: its terms (Σ tδ·xᵀ + Σ δ·txᵀ …) are added straight into it by the same kernels.
    /// </summary>
    public static DerivedModel TensorHvp(GradientModel gradient) =>
        TensorHvpOf(gradient, DerivedMethods.HvName, new string[0], (model, _) => model);

    /// <summary>The parameters a model method's <c>NameHvp</c> adds after the method's own, in order.</summary>
    public static readonly string[] ModelHvpParameters = { ForwardMode.Direction, "gradient", "hv" };

    /// <summary>
    /// <c>NameHvp</c> of a model method, per sample: as <see cref="TensorHvp"/>, the weights' tangents seeded by slices of
    /// the direction over all the model's parameters. Each weight's gradient and its part of H·v go into slices of the
    /// caller's buffers (<see cref="GradientModel.IntoCallerBuffers"/>), not through the parameter store.
    /// </summary>
    public static DerivedModel ModelHvp(GradientModel gradient) => TensorHvpOf(gradient,
        // A layer's member (conv.Weights) names its buffer without the dot, as its gradient's (dConvWeights).
        weight => DerivedMethods.HvName(NameAllocator.Bare(weight).Replace(".", "")), ModelHvpParameters, (model, sweep) =>
        {
            // Each loop over layers runs its layers' Hvps (LayerLoopHvp), the first apart where the loop starts from the data.
            var method = gradient.Method;
            var fromData = gradient.Graph.Nodes.Where(n => n.Op == Op.LayerLoop && sweep.Tangent(n[0], 0) is null).Select(n => (int)n.Value).ToList();
            return model with
            {
                LayerLoops = gradient.LayerLoops.Select(LayerLoopHvp.Of).ToEquatableArray(),
                FirstLayers = method.LayerLoops.Where(l => fromData.Contains(l.Index))
                    .Select(l => new FirstLayerModel(l.Index, LayerLoopHvp.FromData(gradient.LayerLoops[l.Index]))).ToEquatableArray(),
                IntoCallerBuffers = true,
            };
        });

    /// <summary>
    /// The Hvp of a function of Vec and Mat values or of a model method: one tangent sweep over the gradient's IR, whose
    /// gradients stay the gradient and whose tangents of them are H·v, into a buffer per weight (<paramref name="hvBuffer"/>
    /// names it after the weight); <paramref name="generated"/> are the names the method adds after them, and
    /// <paramref name="complete"/> adds what the derived gradient model has beyond (a model's loops over layers).
    /// </summary>
    private static DerivedModel TensorHvpOf(GradientModel gradient, System.Func<string, string> hvBuffer, IEnumerable<string> generated,
        System.Func<GradientModel, TangentSweep, GradientModel> complete)
    {
        var method = gradient.Method;
        var sweep = new TangentSweep(gradient.Graph, 1, gradient.FirstBackwardNode);
        var tangents = DerivedMethods.TangentInputs(method, sweep);
        sweep.Run();
        var b = sweep.Builder;
        var wrt = method.Parameters.Where(p => p.IsDifferentiable).ToList();
        var gradients = gradient.Gradients.Select(sweep.Map).ToList();
        // H·t of a parameter the gradient does not vary with (f linear in it) is zero: nothing is added.
        var hv = wrt.Select((p, k) => sweep.Tangent(gradient.Gradients[k], 0) ?? b.Zero(p.Kind)).ToList();
        var (locals, recomputed, adjoints) = DerivedMethods.Names(method, gradient, sweep, 1, (name, _) => DerivedMethods.TangentName(name));
        var graph = b.ToDag();
        var original = method.Parameters.Select(p => p with { Input = sweep.Map(p.Input) });
        var hvBuffers = tangents.Select((t, k) => t with { IsDifferentiable = true, IsField = true, GradientName = hvBuffer(wrt[k].Name) });
        var derived = DerivedMethods.Derive(method, method.Name + "Hvp", original.Concat(hvBuffers), graph, sweep.Map(method.Output), locals,
            generated, sweep);
        var model = new GradientModel(derived, graph, sweep.FirstBackward, gradients.Concat(hv).ToEquatableArray(), adjoints.ToEquatableArray(),
            recomputed.ToEquatableArray());
        return new DerivedModel(DerivedKind.Hvp, method, complete(model, sweep), hv.ToEquatableArray());
    }

    /// <summary>
    /// Why a model method gets no <c>NameHvp</c>, or null: an op with no forward-mode derivative (a custom layer's rule),
    /// in the method or in one of its loops over layers (whose layers have Hvps of their own, <see cref="LayerLoopHvp"/>).
    /// </summary>
    public static string? ModelRefusal(GradientModel gradient) => OpWithoutSecondDerivative(gradient) is { } op
        ? $"a model method whose gradient uses {op}, which has no second derivative yet"
        : LayerLoopHvp.Refusal(gradient);

    /// <summary>
    /// Why a function of Vec and Mat values gets no <c>NameHvp</c>, or null: its gradient reads an op with no forward-mode
    /// derivative yet (a layer meant for model methods).
    /// </summary>
    public static string? TensorRefusal(GradientModel gradient) => OpWithoutSecondDerivative(gradient) is { } op
        ? $"a function of Vec and Mat whose gradient uses {op}, which has no second derivative yet"
        : null;

    /// <summary>
    /// The first op of real values the gradient's IR reads (its value, its gradients, its effects) that has no
    /// forward-mode derivative, for a refusal: <c>'name'</c>, followed by " in its backward pass" where it is there; null if none.
    /// </summary>
    public static string? OpWithoutSecondDerivative(GradientModel gradient)
    {
        var dag = gradient.Graph;
        var reachable = dag.Reachable(new[] { gradient.Method.Output }.Concat(gradient.Gradients).Concat(dag.RootEffects));
        for (int id = 0; id < dag.Count; id++)
        {
            var def = OpTable.Of(dag[id].Op);
            if (!reachable[id] || def.Pushforward is not null || !dag[id].Kind.IsReal() || dag[id].Args.Count == 0) continue;
            string where = id < gradient.FirstBackwardNode ? "" : " in its backward pass";
            return $"'{def.Name}'{where}";
        }
        return null;
    }
}
