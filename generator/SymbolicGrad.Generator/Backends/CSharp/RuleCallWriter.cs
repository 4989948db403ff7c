using System.CodeDom.Compiler;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>Writes a rule call: <c>SoftplusRule(x, out double dSoftplusdX); // ∂Softplus/∂x by the rule SoftplusRule</c>.</summary>
internal static class RuleCallWriter
{
    public static void Write(IndentedTextWriter w, Dag dag, CodePrinter code, RuleCallStatement call)
    {
        var n = dag[call.Call];
        var target = CallTarget.Decode(n.Name!);
        var arguments = Enumerable.Range(0, n.Arity).Select(k => code.Print(n[k]))
            .Concat(call.Outs.Select((o, k) => o.Length == 0 ? "out _" : $"out {dag[n[target.OperandOf(k)]].Kind.Keyword()} {o}"));
        string what = string.Join(", ", Enumerable.Range(0, target.Outs).Select(k => "∂" + target.FunctionName + "/∂" + target.ParameterName(target.OperandOf(k))));
        w.WriteLine($"{target.Rule}({string.Join(", ", arguments)}); // {what}, by the rule {target.RuleName}");
    }
}
