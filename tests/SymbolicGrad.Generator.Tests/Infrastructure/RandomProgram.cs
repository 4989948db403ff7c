using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>A parameter of a random program: its C# type and whether it is marked [NoDiff].</summary>
internal sealed record RandomParameter(string Name, string Type, bool NoDiff)
{
    public string Declaration => (NoDiff ? "[NoDiff] " : "") + Type + " " + Name;

    /// <summary>A random argument: doubles in [-2, 2], ints in 1..3, bools either way.</summary>
    public object Sample(Random random) => Type switch
    {
        "double" => Math.Round(random.NextDouble() * 4.0 - 2.0, 6),
        "int" => random.Next(1, 4),
        "bool" => random.Next(2) == 1,
        _ => throw new InvalidOperationException($"Unknown parameter type '{Type}'"),
    };
}

/// <summary>A random [Differentiable] method over the supported language, reproducible from its seed.</summary>
internal sealed record RandomProgram(int Seed, string Name, IReadOnlyList<RandomParameter> Parameters, string Method)
{
    /// <summary>Random arguments for one evaluation point, reproducible from the program seed and point index.</summary>
    public object[] SamplePoint(int index)
    {
        var random = new Random(unchecked(Seed * 7919 + index));
        return Parameters.Select(p => p.Sample(random)).ToArray();
    }

    /// <summary>
    /// The same program in float: float parameters and locals, MathF, f-suffixed literals, float helpers. The random
    /// structure is identical, so its gradient can be compared with the (finite-difference checked) double twin.
    /// </summary>
    public RandomProgram ToSingle() => new(
        Seed, Name,
        Parameters.Select(p => p.Type == "double" ? p with { Type = "float" } : p).ToList(),
        SinglePrecision(Method));

    /// <summary>A compilable file holding <paramref name="programs"/> and the helper methods they call.</summary>
    public static string File(string typeName, IEnumerable<RandomProgram> programs) =>
        File([(typeName, programs)]);

    /// <summary>A compilable file with one partial class per group, plus the double and float helpers.</summary>
    public static string File(IEnumerable<(string TypeName, IEnumerable<RandomProgram> Programs)> groups)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using SymbolicGrad;");
        sb.AppendLine();
        sb.AppendLine("namespace RandomPrograms;");
        sb.AppendLine();
        sb.AppendLine("public static partial class Helpers");
        sb.AppendLine("{");
        sb.AppendLine(Indent(RandomProgramGenerator.Helpers));
        sb.AppendLine();
        sb.AppendLine(Indent(SinglePrecision(RandomProgramGenerator.Helpers)));
        sb.AppendLine("}");
        foreach (var (typeName, programs) in groups)
        {
            sb.AppendLine();
            sb.AppendLine($"public static partial class {typeName}");
            sb.AppendLine("{");
            var first = true;
            foreach (var program in programs)
            {
                if (!first)
                    sb.AppendLine();
                first = false;
                sb.AppendLine(Indent(program.Method));
            }
            sb.AppendLine("}");
        }
        return sb.ToString();
    }

    private static string SinglePrecision(string code)
    {
        code = Regex.Replace(code, @"\bdouble\b", "float");
        code = code.Replace("Math.", "MathF.", StringComparison.Ordinal);
        // MathF has no Clamp: Math.Clamp has a float overload.
        code = code.Replace("MathF.Clamp", "Math.Clamp", StringComparison.Ordinal);
        code = Regex.Replace(code, @"\b(Square|Bump)\b", "$1F");
        return Regex.Replace(code, @"(?<![\w.])(\d+\.\d+)(?![\w.])", "$1f");
    }

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));
}

/// <summary>
/// Generates random programs: expression trees over 1–4 double parameters (plus optional [NoDiff], int and bool
/// parameters) with arithmetic, the Math functions on bounded arguments, Max/Min/Abs/Clamp, %, ?:, switch expressions
/// and patterns, locals with reassignment, compound and tuple assignment, if/else and early returns, and calls to
/// [Differentiable] helpers.
/// Arguments of Exp, Log, Sqrt, Asin, Acos, Pow are shaped so every program is finite on [-2, 2]^n.
/// </summary>
internal sealed class RandomProgramGenerator
{
    /// <summary>[Differentiable] helpers the programs call (inlined by the generator).</summary>
    public const string Helpers = """
        [Differentiable]
        public static double Square(double u) => u * u;

        [Differentiable]
        public static double Bump(double u, double v)
        {
            double g = Math.Exp(-u * u / 4.0);
            return g * v + Math.Sin(v);
        }
        """;

    private static readonly string[] ActiveNames = ["a", "b", "c", "d"];

    private readonly Random _random;
    private readonly List<RandomParameter> _parameters = [];
    private readonly List<string> _values = [];
    private readonly List<string> _conditions = [];
    private readonly List<string> _assignable = [];
    private int _nextLocal;

    private RandomProgramGenerator(int seed) => _random = new Random(seed);

    /// <summary>The program for <paramref name="seed"/>, as method <paramref name="name"/>.</summary>
    public static RandomProgram Generate(int seed, string name)
    {
        var generator = new RandomProgramGenerator(seed);
        var method = generator.Method(name);
        return new RandomProgram(seed, name, generator._parameters, method);
    }

    private string Method(string name)
    {
        var active = _random.Next(1, 5);
        for (var i = 0; i < active; i++)
            AddParameter(new RandomParameter(ActiveNames[i], "double", NoDiff: false));
        if (Chance(0.3))
            AddParameter(new RandomParameter("k", "double", NoDiff: true));
        if (Chance(0.25))
        {
            AddParameter(new RandomParameter("n", "int", NoDiff: false));
            _values.Add("n");
            _conditions.Add("n > 1");
        }
        if (Chance(0.25))
        {
            AddParameter(new RandomParameter("flag", "bool", NoDiff: false));
            _conditions.Add("flag");
        }

        var body = new StringBuilder();
        body.Append(Chance(0.3) ? Expressions() : Block());

        var signature = string.Join(", ", _parameters.Select(p => p.Declaration));
        return $"[Differentiable]\npublic static double {name}({signature})\n{body}";
    }

    /// <summary>An expression-bodied method.</summary>
    private string Expressions() => "    => " + Root(3) + ";";

    /// <summary>A block body: locals, assignments, if/else, early returns, then a final return.</summary>
    private string Block()
    {
        var lines = new List<string>();
        if (Chance(0.3))
        {
            var k = NewLocal("k");
            lines.Add($"const double {k} = {Constant()};");
            _values.Add(k);
        }
        var first = NewLocal("v");
        lines.Add($"double {first} = {Root(2)};");
        _values.Add(first);
        _assignable.Add(first);

        var statements = _random.Next(1, 6);
        for (var i = 0; i < statements; i++)
            lines.AddRange(Statement(depth: 0));
        lines.Add($"return {Root(3)};");
        return "{\n" + string.Join("\n", lines.Select(l => "    " + l)) + "\n}";
    }

    private IEnumerable<string> Statement(int depth)
    {
        switch (_random.Next(depth == 0 ? 7 : 4))
        {
            case 0:
            {
                var local = NewLocal("v");
                var line = $"double {local} = {Expr(2)};";
                // Declared after its initializer is built, so it cannot refer to itself.
                _values.Add(local);
                _assignable.Add(local);
                return [line];
            }
            case 1:
                return [Compound()];
            case 2:
            {
                var target = Pick(_assignable);
                return [$"{target} = {Expr(2)};"];
            }
            case 3 when _assignable.Count >= 2 && Chance(0.3):
            {
                // A simultaneous assignment: both right sides read the old values.
                var a = Pick(_assignable);
                var b = Pick(_assignable.Where(v => v != a).ToList());
                return [$"({a}, {b}) = ({b} * {Constant()}, {a} + {Expr(1)});"];
            }
            case 3:
            {
                // Reassign an active parameter (the finite differences still vary the original argument).
                var active = _parameters.Where(p => p is { Type: "double", NoDiff: false }).ToList();
                var p = active[_random.Next(active.Count)].Name;
                return [$"{p} = {p} * {Constant()} + {Expr(1)};"];
            }
            case 4:
            case 5:
                return IfElse(depth);
            default:
                return [$"if ({Condition(2)})", $"    return {Expr(2)};"];
        }
    }

    private IEnumerable<string> IfElse(int depth)
    {
        var lines = new List<string> { $"if ({Condition(2)})", "{" };
        lines.AddRange(Branch(depth, mayReturn: true));
        lines.Add("}");
        if (Chance(0.75))
        {
            lines.Add("else");
            lines.Add("{");
            // No return at the end of the else branch: code after the if stays reachable.
            lines.AddRange(Branch(depth, mayReturn: false));
            lines.Add("}");
        }
        return lines;
    }

    /// <summary>Statements of one branch; locals declared inside go out of scope at its end.</summary>
    private IEnumerable<string> Branch(int depth, bool mayReturn)
    {
        var values = _values.Count;
        var assignable = _assignable.Count;
        var lines = new List<string>();
        var count = _random.Next(1, 3);
        for (var i = 0; i < count; i++)
            lines.AddRange(Statement(depth + 1).Select(l => "    " + l));
        if (mayReturn && Chance(0.25))
            lines.Add($"    return {Expr(2)};");
        _values.RemoveRange(values, _values.Count - values);
        _assignable.RemoveRange(assignable, _assignable.Count - assignable);
        return lines;
    }

    private string Compound()
    {
        var target = Pick(_assignable);
        return _random.Next(4) switch
        {
            0 => $"{target} += {Expr(2)};",
            1 => $"{target} -= {Expr(2)};",
            // Bounded factors and divisors keep locals in range.
            2 => $"{target} *= 1.0 + 0.5 * Math.Sin({Expr(1)});",
            _ => $"{target} /= 1.5 + Math.Cos({Expr(1)});",
        };
    }

    /// <summary>A non-trivial expression: never a lone leaf at the top.</summary>
    private string Root(int depth)
    {
        string e;
        do
            e = Expr(depth);
        while (!e.Contains('(', StringComparison.Ordinal));
        return e;
    }

    private string Expr(int depth)
    {
        if (depth <= 0 || Chance(0.15))
            return Leaf();
        var d = depth - 1;
        switch (_random.Next(24))
        {
            case 0: case 1: return $"({Expr(d)} + {Expr(d)})";
            case 2: case 3: return $"({Expr(d)} - {Expr(d)})";
            case 4: case 5: return $"({Expr(d)} * {Expr(d)})";
            case 6:
            {
                var u = Expr(d);
                return Chance(0.5) ? $"({Expr(d)} / (1.0 + {u} * {u}))" : $"({Expr(d)} / (1.5 + Math.Sin({u})))";
            }
            case 7: return Chance(0.8) ? $"-{Paren(Expr(d))}" : $"+{Paren(Expr(d))}";
            case 8: return $"Math.{Pick(["Sin", "Cos", "Tanh", "Atan"])}({Expr(d)})";
            case 9:
                return _random.Next(3) switch
                {
                    0 => $"Math.Exp(Math.Sin({Expr(d)}))",
                    1 => $"Math.Exp(Math.Tanh({Expr(d)}))",
                    _ => Gaussian(d),
                };
            case 10:
            {
                var u = Expr(d);
                return _random.Next(4) switch
                {
                    0 => $"Math.Log(1.0 + {u} * {u})",
                    1 => $"Math.Log(2.0 + Math.Cos({u}))",
                    2 => $"Math.Log(1.0 + {u} * {u}, 2.0)",
                    _ => $"Math.Log10(1.0 + {u} * {u})",
                };
            }
            case 11:
            {
                var u = Expr(d);
                return $"Math.Sqrt(1.0 + {u} * {u})";
            }
            case 12:
                return Chance(0.7)
                    ? $"Math.Pow({PowBase(d)}, {Pick(["2", "3", "2.0"])})"
                    : $"Math.Pow(1.5 + Math.Sin({Expr(d)}), {Expr(d)} * 0.5)";
            case 13: return $"Math.{Pick(["Max", "Min"])}({Expr(d)}, {Expr(d)})";
            case 14: return $"Math.Abs({Expr(d)})";
            case 15: case 16: return $"({Condition(1)} ? {Expr(d)} : {Expr(d)})";
            case 17:
                return _random.Next(5) switch
                {
                    0 => $"Math.Tan(0.5 * Math.Sin({Expr(d)}))",
                    1 => $"Math.Asin(0.5 * Math.Tanh({Expr(d)}))",
                    2 => $"Math.Acos(0.5 * Math.Sin({Expr(d)}))",
                    3 => $"Math.Sinh(Math.Sin({Expr(d)}))",
                    _ => $"Math.Cosh(Math.Tanh({Expr(d)}))",
                };
            case 18: return $"Helpers.Square({Expr(d)})";
            case 19: return $"Helpers.Bump({Expr(d)}, {Expr(d)})";
            case 20: return $"({Expr(d)} * {Constant()})";
            case 21:
            {
                var u = Expr(d);
                return _random.Next(5) switch
                {
                    0 => $"Math.Atan2({Expr(d)}, 2.0 + Math.Cos({u}))",
                    1 => $"Math.Cbrt(1.0 + {u} * {u})",
                    2 => $"Math.FusedMultiplyAdd({Expr(d)}, {u}, {Expr(d)})",
                    3 => $"Math.Clamp({u}, -1.0, 1.5)",
                    _ => $"({u} % (1.5 + Math.Sin({Expr(d)})))",
                };
            }
            case 22:
                // 1.0·e: a double even where e is the int parameter.
                return $"((1.0 * {Expr(d)}) switch {{ < -0.5 => {Expr(d)}, > 0.75 and < 2.5 => {Expr(d)}, _ => {Expr(d)} }})";
            default: return Leaf();
        }
    }

    /// <summary>exp(−u²/4): bounded whatever u is.</summary>
    private string Gaussian(int depth)
    {
        var u = Expr(depth);
        return $"Math.Exp(-({u} * {u}) / 4.0)";
    }

    /// <summary>A base for integer powers that stays small: a value, or a sine or tanh of anything.</summary>
    private string PowBase(int depth) => _random.Next(3) switch
    {
        0 => Leaf(),
        1 => $"Math.Sin({Expr(depth)})",
        _ => $"Math.Tanh({Expr(depth)})",
    };

    private string Condition(int depth)
    {
        if (depth > 0 && Chance(0.25))
        {
            return _random.Next(3) switch
            {
                0 => $"{Condition(depth - 1)} && {Condition(depth - 1)}",
                1 => $"({Condition(depth - 1)} || {Condition(depth - 1)})",
                _ => Chance(0.5) ? $"!({Condition(depth - 1)})" : $"(1.0 * {Expr(1)}) is > -1.0 and < 0.5 or > 2.5",
            };
        }
        if (_conditions.Count > 0 && Chance(0.15))
            return Pick(_conditions);
        return $"{Expr(1)} {Pick(["<", ">", "<=", ">=", "!="])} {Expr(1)}";
    }

    private string Leaf()
    {
        if (Chance(0.2))
            return Constant();
        return Pick(_values);
    }

    private string Constant()
    {
        // Mostly decimals; sometimes an int literal, which C# converts implicitly.
        if (Chance(0.15))
            return _random.Next(1, 4).ToString(CultureInfo.InvariantCulture);
        return (Math.Round(_random.NextDouble() * 2.9 + 0.1, 2)).ToString("0.0#", CultureInfo.InvariantCulture);
    }

    private void AddParameter(RandomParameter parameter)
    {
        _parameters.Add(parameter);
        if (parameter.Type == "double")
        {
            _values.Add(parameter.Name);
            if (!parameter.NoDiff)
                _assignable.Add(parameter.Name);
        }
    }

    private string NewLocal(string prefix) => prefix + _nextLocal++;

    private static string Paren(string e) => e.StartsWith('(') && e.EndsWith(')') ? e : "(" + e + ")";

    private bool Chance(double p) => _random.NextDouble() < p;

    private string Pick(IReadOnlyList<string> items) => items[_random.Next(items.Count)];
}
