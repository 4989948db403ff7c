using System.Globalization;
using System.Linq;

namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// What a <see cref="Op.Call"/> or <see cref="Op.RuleCall"/> node calls, kept in <see cref="Node.Name"/> as plain text
/// (so equal calls hash-cons): the function and its rule as C# writes them, their short names for comments, and which
/// operands the rule gives a derivative of (one <c>out</c> each, in order), and the function's parameter names.
/// </summary>
internal sealed record CallTarget(string Function, string Rule, string FunctionName, string RuleName, string Differentiable, string Parameters)
{
    private const char Separator = '|';

    /// <summary>Whether operand <paramref name="operand"/> gets an out of the rule.</summary>
    public bool IsDifferentiable(int operand) => operand < Differentiable.Length && Differentiable[operand] == '1';

    /// <summary>The position among the rule's outs of operand <paramref name="operand"/>'s derivative.</summary>
    public int OutOf(int operand) => Differentiable.Take(operand).Count(c => c == '1');

    /// <summary>The operand whose derivative is out number <paramref name="out"/>.</summary>
    public int OperandOf(int @out)
    {
        for (int k = 0, seen = 0; k < Differentiable.Length; k++)
        {
            if (Differentiable[k] != '1') continue;
            if (seen++ == @out) return k;
        }
        return -1;
    }

    public int Outs => Differentiable.Count(c => c == '1');

    /// <summary>The function's parameter number <paramref name="operand"/>, as declared (without @).</summary>
    public string ParameterName(int operand) => Parameters.Split(',')[operand];

    public string Encode() => string.Join(Separator.ToString(), Function, Rule, FunctionName, RuleName, Differentiable, Parameters);

    public static CallTarget Decode(string name)
    {
        var parts = name.Split(Separator);
        return new CallTarget(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
    }

    public override string ToString() => FunctionName + " (rule " + RuleName + ", outs " + Outs.ToString(CultureInfo.InvariantCulture) + ")";
}
