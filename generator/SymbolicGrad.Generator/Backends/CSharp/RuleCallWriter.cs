using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>Writes a rule call: <c>SoftplusRule(x, out double dSoftplusdX); // ∂Softplus/∂x by the rule SoftplusRule</c>.</summary>
internal static class RuleCallWriter
{
    /// <summary>The longest array whose derivative buffer is on the stack; longer ones are rented from the shared pool.</summary>
    private const int StackLimit = 256;

    private const string Kernels = "global::SymbolicGrad.CompilerServices.Kernels";

    /// <summary>
    /// An array's derivative: a zeroed buffer of its length the rule adds into, on the stack when short, else rented
    /// from the shared pool (allocation-free once warm, and never shared with another call) and given back by
    /// <see cref="WriteReturns"/>. The array is a parameter of the method, so its length is known before any loop.
    /// </summary>
    public static void WriteBuffers(IndentedTextWriter w, Dag dag, CodePrinter code, RuleCallStatement call, bool clear, bool declare = true)
    {
        var n = dag[call.Call];
        var target = CallTarget.Decode(n.Name!);
        for (int k = 0; k < call.Outs.Count; k++)
        {
            var array = dag[n[target.OperandOf(k)]];
            if (array.Shape is null) continue;
            string type = array.Kind.Keyword(), length = code.Print(n[target.OperandOf(k)]) + ".Length", rented = call.Rented[k];
            if (declare)
            {
                string what = "∂" + target.FunctionName + "/∂" + target.ParameterName(target.OperandOf(k));
                w.WriteLine($"{type}[]? {rented} = null; // {what}: on the stack up to {StackLimit} elements, else rented from the shared pool and given back before the return");
                w.WriteLine($"global::System.Span<{type}> {call.Outs[k]} = {length} <= {StackLimit} ? stackalloc {type}[{length}] : {Kernels}.RentRuleBuffer({length}, out {rented});");
            }
            if (clear) w.WriteLine($"{call.Outs[k]}.Clear();");
        }
    }

    /// <summary>Gives the pooled buffers of <paramref name="calls"/> back, before the method's return (its only exit).</summary>
    public static void WriteReturns(IndentedTextWriter w, IEnumerable<RuleCallStatement> calls)
    {
        var rented = calls.SelectMany(c => c.Rented.Where(r => r.Length > 0)).ToList();
        if (rented.Count == 0) return;
        w.WriteLine("// The rule buffers rented from the shared pool, given back (null: on the stack).");
        foreach (var r in rented) w.WriteLine($"{Kernels}.ReturnRuleBuffer({r});");
    }

    public static void Write(IndentedTextWriter w, Dag dag, CodePrinter code, RuleCallStatement call)
    {
        var n = dag[call.Call];
        var target = CallTarget.Decode(n.Name!);
        // Outside loops the buffers are declared here; inside, before the loops (WriteTapeLocals), and only cleared here.
        WriteBuffers(w, dag, code, call, clear: true, declare: n.Region == 0);
        int guard = OpTable.GuardOf(n)!.Value; // a call's guard is always there (true: unconditional)
        bool guarded = !dag[guard].IsConstantValue(1);
        string Kind(int k) => dag[n[target.OperandOf(k)]].Kind.Keyword();
        if (guarded)
        {
            // The rule runs only where the user's method calls the function; elsewhere its outs stay 0 (the buffers are cleared).
            for (int k = 0; k < call.Outs.Count; k++)
            {
                if (call.Outs[k].Length > 0 && dag[n[target.OperandOf(k)]].Shape is null)
                {
                    w.WriteLine($"{Kind(k)} {call.Outs[k]} = {Literals.Format(0, dag[n[target.OperandOf(k)]].Kind, false).Text}; // where the rule does not run");
                }
            }
        }
        var arguments = Enumerable.Range(0, OpTable.ArgumentCount(n)).Select(k => code.Print(n[k]))
            .Concat(call.Outs.Select((o, k) => dag[n[target.OperandOf(k)]].Shape is not null ? o
                : o.Length == 0 ? "out _" : guarded ? $"out {o}" : $"out {Kind(k)} {o}"));
        string what = string.Join(", ", Enumerable.Range(0, target.Outs).Select(k => "∂" + target.FunctionName + "/∂" + target.ParameterName(target.OperandOf(k))));
        string statement = $"{target.Rule}({string.Join(", ", arguments)}); // {what}, by the rule {target.RuleName}";
        w.WriteLine(guarded ? $"if ({code.Print(guard)}) {statement}" : statement);
    }
}
