using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>
/// Plans a layer's two forms (one per value of a condition on the counter) so that they share the layer's workspace
/// class: the forms are kept only when they name the output and the gradient alike, keep no layer state (mode, random
/// stream, scratch) and give no buffer name two element types. Otherwise the layer keeps its one form, whose selects
/// choose element by element.
/// </summary>
internal static class LayerBranchPlans
{
    public static LayerBranchesPlan? Of(ProgramPlan layer, LayerBranchesModel branches)
    {
        try
        {
            return Plan(layer, branches);
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            // The forms only make the layer faster: where they cannot be planned, its one form stays.
            return null;
        }
    }

    private static LayerBranchesPlan? Plan(ProgramPlan layer, LayerBranchesModel branches)
    {
        var whenTrue = Planner.Plan(branches.WhenTrue, out _);
        var whenFalse = Planner.Plan(branches.WhenFalse, out _);
        var forms = new[] { whenTrue, whenFalse };
        if (forms.Any(f => f.Layer != layer.Layer || f.Tape is not null || f.LayerLoops.Count > 0 || f.Tensor is not { } tensor || tensor.Layers != LayerPlan.None))
        {
            return null;
        }
        var fields = new List<WorkspaceField>();
        foreach (var field in forms.SelectMany(Buffers))
        {
            var same = fields.FirstOrDefault(f => f.Name == field.Name);
            if (same is null) fields.Add(field);
            else if (same.Kind != field.Kind) return null;
        }
        // The condition's value keeps the name the layer's one form gives it, unless a buffer has it.
        var taken = new NameAllocator();
        foreach (var field in fields) taken.Reserve(field.Name);
        var names = layer.Layer!;
        foreach (string name in new[] { names.Output, names.Gradient }) taken.Reserve(name);
        string stem = layer.Forward.FirstOrDefault(v => v.Node == branches.Condition)?.Name ?? "taken";
        return new LayerBranchesPlan(branches.Condition, whenTrue, whenFalse, taken.Allocate(stem), fields.ToEquatableArray());
    }

    /// <summary>A plan's workspace buffers: one per stored value that does not overwrite another's in place.</summary>
    public static IEnumerable<WorkspaceField> Buffers(ProgramPlan plan)
    {
        var inPlace = new HashSet<int>(plan.Tensor!.InPlace.Select(p => p.Value));
        return plan.Forward.Concat(plan.Backward).Where(v => !inPlace.Contains(v.Node)).Select(v => new WorkspaceField(v.Name, plan.Graph[v.Node].Kind));
    }
}
