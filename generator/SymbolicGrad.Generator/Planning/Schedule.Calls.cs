using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Planning;

/// <summary>Rule calls: one statement per call, its outs named where they are read (the others discarded).</summary>
internal sealed partial class Schedule
{
    private RuleCallStatement ScheduleRuleCall(int call)
    {
        var target = CallTarget.Decode(_dag[call].Name!);
        var outs = new string?[target.Outs];
        for (int id = call + 1; id < _dag.Count; id++)
        {
            var n = _dag[id];
            if (n.Op != Op.RuleOut || n[0] != call || !_reachable[id]) continue;
            int k = (int)n.Value;
            // dSoftplusdX: ∂Softplus/∂x, x the function's own parameter.
            string wrt = target.ParameterName(target.OperandOf(k));
            outs[k] ??= _names.Allocate("d" + NameAllocator.Capitalize(target.FunctionName) + "d" + NameAllocator.Capitalize(wrt));
            Names[id] = outs[k]!;
        }
        // An array's derivative is a buffer the rule adds into: it is passed even where nothing reads it.
        for (int k = 0; k < outs.Length; k++)
        {
            int operand = target.OperandOf(k);
            if (outs[k] is null && _dag[_dag[call][operand]].Shape is not null)
            {
                outs[k] = _names.Allocate("d" + NameAllocator.Capitalize(target.FunctionName) + "d" + NameAllocator.Capitalize(target.ParameterName(operand)));
            }
        }
        // A long array's buffer comes from the shared pool: the pooled array is kept to be given back.
        var rented = new string[outs.Length];
        for (int k = 0; k < outs.Length; k++)
        {
            rented[k] = _dag[_dag[call][target.OperandOf(k)]].Shape is not null ? _names.Allocate(outs[k] + "Rented") : "";
        }
        return new RuleCallStatement(call, new Pipeline.EquatableArray<string>(System.Array.ConvertAll(outs, o => o ?? "")),
            new Pipeline.EquatableArray<string>(rented));
    }

    /// <summary>A call's value is named after the function: <c>softplus</c>.</summary>
    private static string CallName(Node call)
    {
        string name = CallTarget.Decode(call.Name!).FunctionName;
        return char.ToLowerInvariant(name[0]) + name.Substring(1);
    }
}
