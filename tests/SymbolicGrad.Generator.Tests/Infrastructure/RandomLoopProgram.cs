using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>Which constructs a random loop program may use.</summary>
internal enum LoopLanguage
{
    /// <summary>The first family (programs L0, L1, …): its programs stay as they were, so reported failures can be rerun.</summary>
    Core,

    /// <summary>
    /// The core constructs and more (programs M0, M1, …): while (true) left by a break, for and do on a differentiable
    /// condition, reads of the previous element, steps of -2 and ++i, exits after assignments, division assignments, tuple
    /// deconstruction, switch expressions, relational patterns, int comparisons, and Sqrt, Log, Abs, Pow, Atan2, Clamp,
    /// Cbrt, FusedMultiplyAdd, CopySign and floating % inside loops.
    /// </summary>
    Extended,
}

/// <summary>What a parameter of a random loop program is: an array or span, a double, or an int.</summary>
internal enum LoopParameterKind
{
    Array,
    Scalar,
    Int,
}

/// <summary>A parameter of a random loop program: its C# type, its kind, whether it is marked [NoDiff].</summary>
internal sealed record LoopParameter(string Name, LoopParameterKind Kind, string Type, bool NoDiff)
{
    public string Declaration => (NoDiff ? "[NoDiff] " : "") + Type + " " + Name;

    /// <summary>Whether the generated gradient has a buffer or an out parameter for it.</summary>
    public bool Differentiable => Kind != LoopParameterKind.Int && !NoDiff;
}

/// <summary>
/// The arguments of one evaluation of a random loop program, grouped by kind in declaration order (every array has
/// the same length, so the programs' index expressions stay in bounds).
/// </summary>
internal sealed record LoopPoint(double[][] Arrays, double[] Scalars, int[] Ints)
{
    /// <summary>A deep copy, to perturb one coordinate.</summary>
    public LoopPoint Copy() => new(Arrays.Select(a => (double[])a.Clone()).ToArray(), (double[])Scalars.Clone(), (int[])Ints.Clone());

    /// <summary>Every value rounded to float, so the float twin and the double twin run at the same point.</summary>
    public LoopPoint ToFloatRepresentable() => new(
        Arrays.Select(a => a.Select(v => (double)(float)v).ToArray()).ToArray(),
        Scalars.Select(v => (double)(float)v).ToArray(),
        (int[])Ints.Clone());

    public override string ToString() =>
        string.Join(", ", Arrays.Select(a => "[" + string.Join(", ", a.Select(Format)) + "]")
            .Concat(Scalars.Select(Format)).Concat(Ints.Select(i => i.ToString(CultureInfo.InvariantCulture))));

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// A random [Differentiable] method with loops over array and span parameters, reproducible from its seed, plus two
/// plain wrappers that reflection can call (it cannot pass spans): <c>{Name}Value(arrays, scalars, ints)</c> calls the
/// user method and <c>{Name}Check(arrays, scalars, ints, dArrays, dScalars)</c> calls the generated gradient, so a
/// wrapper that compiles also proves the generated signature (a Span per differentiable array, an out per scalar).
/// </summary>
internal sealed record RandomLoopProgram(int Seed, string Name, IReadOnlyList<LoopParameter> Parameters, string Method)
{
    public IEnumerable<LoopParameter> Arrays => Parameters.Where(p => p.Kind == LoopParameterKind.Array);

    public IEnumerable<LoopParameter> Scalars => Parameters.Where(p => p.Kind == LoopParameterKind.Scalar);

    /// <summary>Random arguments for one point: arrays of one length 1–5, values in [-2, 2], ints in 1..3.</summary>
    public LoopPoint SamplePoint(int index)
    {
        var random = new Random(unchecked(Seed * 7919 + index));
        var length = random.Next(1, 6);
        double Value() => Math.Round(random.NextDouble() * 4.0 - 2.0, 6);
        return new LoopPoint(
            Arrays.Select(_ => Enumerable.Range(0, length).Select(_ => Value()).ToArray()).ToArray(),
            Scalars.Select(_ => Value()).ToArray(),
            Parameters.Where(p => p.Kind == LoopParameterKind.Int).Select(_ => random.Next(1, 4)).ToArray());
    }

    /// <summary>The same program in float (float arrays, spans, locals; MathF; f-suffixed literals).</summary>
    public RandomLoopProgram ToSingle() => new(
        Seed, Name, Parameters.Select(p => p with { Type = Single(p.Type) }).ToList(), Single(Method));

    /// <summary>The user method and its value wrapper (compiles without the generator).</summary>
    public string UserCode => Method + "\n\n" + ValueWrapper();

    /// <summary>The user method and both wrappers.</summary>
    public string Code => UserCode + "\n\n" + CheckWrapper();

    /// <summary>A file with one partial class per group; <paramref name="withChecks"/> adds the gradient wrappers.</summary>
    public static string File(IEnumerable<(string TypeName, IEnumerable<RandomLoopProgram> Programs)> groups, bool withChecks = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using SymbolicGrad;");
        sb.AppendLine();
        sb.AppendLine("namespace RandomLoops;");
        foreach (var (typeName, programs) in groups)
        {
            sb.AppendLine();
            sb.AppendLine($"public static partial class {typeName}");
            sb.AppendLine("{");
            sb.AppendLine(string.Join("\n\n", programs.Select(p => Indent(withChecks ? p.Code : p.UserCode))));
            sb.AppendLine("}");
        }
        return sb.ToString();
    }

    private string ElementType => Method.Contains("float", StringComparison.Ordinal) && !Method.Contains("double", StringComparison.Ordinal) ? "float" : "double";

    private string Arguments()
    {
        int array = 0, scalar = 0, integer = 0;
        return string.Join(", ", Parameters.Select(p => p.Kind switch
        {
            LoopParameterKind.Array => $"arrays[{array++}]",
            LoopParameterKind.Scalar => $"scalars[{scalar++}]",
            _ => $"ints[{integer++}]",
        }));
    }

    private string ValueWrapper()
    {
        var t = ElementType;
        return $"public static {t} {Name}Value({t}[][] arrays, {t}[] scalars, int[] ints) => {Name}({Arguments()});";
    }

    private string CheckWrapper()
    {
        var t = ElementType;
        int array = 0, scalar = 0;
        var buffers = new List<string>();
        foreach (var p in Parameters)
        {
            if (p.Kind == LoopParameterKind.Array)
            {
                if (p.Differentiable) buffers.Add($"dArrays[{array}]");
                array++;
            }
            else if (p.Kind == LoopParameterKind.Scalar)
            {
                if (p.Differentiable) buffers.Add($"out dScalars[{scalar}]");
                scalar++;
            }
        }
        var all = Arguments() + (buffers.Count > 0 ? ", " + string.Join(", ", buffers) : "");
        return $"public static {t} {Name}Check({t}[][] arrays, {t}[] scalars, int[] ints, {t}[][] dArrays, {t}[] dScalars) => {Name}Gradient({all});";
    }

    private static string Single(string code)
    {
        code = Regex.Replace(code, @"\bdouble\b", "float");
        // MathF has no Clamp: Math.Clamp has a float overload.
        code = code.Replace("Math.", "MathF.", StringComparison.Ordinal).Replace("MathF.Clamp(", "Math.Clamp(", StringComparison.Ordinal);
        return Regex.Replace(code, @"(?<![\w.])(\d+\.\d+)(?![\w.])", "$1f");
    }

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));
}

/// <summary>
/// Generates random loop programs: for (up, down, by two), foreach over an array or span, while and do with an int
/// counter, while on a differentiable value, nested loops (inner bounds from the outer counter), break, continue and
/// return inside loops (conditions on carried values, elements and counters), int locals with + - * / %, element
/// reads at computed indices, recurrences carrying two values (tuple or temporary), if/else inside bodies.
/// Carried values enter expressions through tanh/sin or linear updates, so every program stays finite.
/// </summary>
internal sealed partial class RandomLoopProgramGenerator
{
    private static readonly string[] ArrayNames = ["xs", "ys", "zs"];
    private static readonly string[] ScalarNames = ["a", "b"];

    /// <summary>An int in scope: a nonnegative expression, and an index in [0, Length) when it has one.</summary>
    private sealed record Counter(string Value, string? Index);

    private readonly Random _random;
    private readonly List<LoopParameter> _parameters = [];
    private readonly List<string> _arrays = [];
    private readonly List<string> _readable = [];
    private readonly List<string> _carried = [];
    private readonly List<string> _ints = [];
    private readonly List<Counter> _counters = [];
    private int _next;
    private int _loopDepth;
    private int _exits;

    /// <summary>Whether <see cref="LoopLanguage.Extended"/> constructs may be drawn (Core draws exactly what it always drew).</summary>
    private readonly bool _extended;

    private RandomLoopProgramGenerator(int seed, LoopLanguage language)
    {
        _random = new Random(seed);
        _extended = language == LoopLanguage.Extended;
    }

    /// <summary>The program for <paramref name="seed"/>, as method <paramref name="name"/>.</summary>
    public static RandomLoopProgram Generate(int seed, string name, LoopLanguage language = LoopLanguage.Core)
    {
        var generator = new RandomLoopProgramGenerator(seed, language);
        var method = generator.Method(name);
        return new RandomLoopProgram(seed, name, generator._parameters, method);
    }

    private string Method(string name)
    {
        var arrays = _random.Next(1, 4);
        for (var i = 0; i < arrays; i++)
        {
            var type = Chance(0.35) ? "ReadOnlySpan<double>" : "double[]";
            // The first array is always differentiable, so every program has an array gradient.
            _parameters.Add(new LoopParameter(ArrayNames[i], LoopParameterKind.Array, type, NoDiff: i > 0 && Chance(0.3)));
            _arrays.Add(ArrayNames[i]);
        }
        var scalars = _random.Next(0, 3);
        for (var i = 0; i < scalars; i++)
        {
            _parameters.Add(new LoopParameter(ScalarNames[i], LoopParameterKind.Scalar, "double", NoDiff: Chance(0.2)));
            _readable.Add(ScalarNames[i]);
        }
        if (Chance(0.4))
        {
            _parameters.Add(new LoopParameter("n", LoopParameterKind.Int, "int", NoDiff: false));
            _ints.Add("n");
            _counters.Add(new Counter("n", null));
        }
        // Shuffle so arrays, scalars and ints come in any order.
        for (var i = _parameters.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (_parameters[i], _parameters[j]) = (_parameters[j], _parameters[i]);
        }

        var lines = new List<string>();
        var carried = _random.Next(1, 3);
        for (var i = 0; i < carried; i++)
        {
            var s = Fresh("s");
            lines.Add($"double {s} = {Expr(1)};");
            _carried.Add(s);
        }
        if (Chance(0.3))
        {
            var c = Fresh("c");
            lines.Add($"int {c} = 0;");
            _ints.Add(c);
            _counters.Add(new Counter(c, null));
        }
        var statements = _random.Next(1, 3);
        for (var i = 0; i < statements; i++)
            lines.AddRange(Loop());
        lines.Add($"return {Final()};");

        var signature = string.Join(", ", _parameters.Select(p => p.Declaration));
        return $"[Differentiable]\npublic static double {name}({signature})\n{{\n{string.Join("\n", lines.Select(l => "    " + l))}\n}}";
    }

    /// <summary>One loop statement (with the declarations it needs before it).</summary>
    private List<string> Loop()
    {
        if (_extended && Chance(0.4)) return ExtendedLoop();
        var lines = new List<string>();
        var array = Pick(_arrays);
        var outer = _counters.LastOrDefault(c => c.Index is not null);
        var kind = _random.Next(_loopDepth == 0 ? 9 : 7);
        string header;
        string[] prologue = [];
        Counter? counter;
        string? element = null;
        switch (kind)
        {
            case 0:
            case 1:
            {
                var i = Fresh("i");
                // Inner loops may run to the outer counter (a triangle, i < j or i <= j), or over the whole array.
                var bound = outer is not null && Chance(0.5)
                    ? $"({outer.Index})" + (Chance(0.5) ? " + 1" : "")
                    : $"{array}.Length";
                header = $"for (int {i} = 0; {i} < {bound}; {i}++)";
                counter = new Counter(i, i);
                break;
            }
            case 2:
            {
                var i = Fresh("i");
                header = $"for (int {i} = {array}.Length - 1; {i} >= 0; {i}--)";
                counter = new Counter(i, i);
                break;
            }
            case 3:
            {
                var i = Fresh("i");
                header = $"for (int {i} = {(Chance(0.5) ? "0" : "1")}; {i} < {array}.Length; {i} += 2)";
                counter = new Counter(i, i);
                break;
            }
            case 4:
            {
                element = Fresh("e");
                header = $"foreach ({(Chance(0.5) ? "var" : "double")} {element} in {array})";
                counter = null;
                break;
            }
            case 5:
            {
                // The counter moves first, so a continue cannot skip it.
                var w = Fresh("w");
                lines.Add($"int {w} = 0;");
                var limit = _ints.Contains("n") && Chance(0.5) ? "n + 1" : $"{array}.Length";
                header = $"while ({w} < {limit})";
                prologue = [$"{w}++;"];
                counter = new Counter(w, limit == "n + 1" ? null : $"{w} - 1");
                break;
            }
            case 6:
            {
                var w = Fresh("w");
                lines.Add($"int {w} = 0;");
                var limit = _ints.Contains("n") && Chance(0.5) ? "n" : $"{array}.Length";
                header = "do";
                prologue = [$"{w}++;"];
                counter = new Counter(w, limit == "n" ? null : $"{w} - 1");
                var body = Body(counter, null, prologue);
                lines.Add(header);
                lines.AddRange(body);
                lines.Add($"while ({w} < {limit});");
                return lines;
            }
            case 7:
            {
                // A condition on a differentiable value: the derivative is that of the iterations taken.
                var g = Fresh("g");
                var s = Pick(_carried);
                lines.Add($"int {g} = 0;");
                header = $"while ({s} {Pick(["<", ">"])} {Constant()} && {g} < {_random.Next(2, 6)})";
                prologue = [$"{g}++;"];
                counter = new Counter(g, null);
                break;
            }
            default:
                return Recurrence(array);
        }

        lines.Add(header);
        lines.AddRange(Body(counter, element, prologue));
        return lines;
    }

    /// <summary>A recurrence carrying two values: (u, v) ← (v, u·c + f(v, x_i)), as a tuple or through a temporary.</summary>
    private List<string> Recurrence(string array)
    {
        string u = Fresh("u"), v = Fresh("v"), i = Fresh("i");
        var lines = new List<string>
        {
            $"double {u} = {Expr(1)};",
            $"double {v} = {Expr(1)};",
            $"for (int {i} = 0; {i} < {array}.Length; {i}++)",
            "{",
        };
        _counters.Add(new Counter(i, i));
        _loopDepth++;
        var step = $"{u} * {Pick(["0.5", "0.75", "-0.5"])} + {v} * Math.Tanh({Expr(1)})";
        if (Chance(0.5))
        {
            lines.Add($"    ({u}, {v}) = ({v}, {step});");
        }
        else
        {
            var next = Fresh("t");
            lines.Add($"    double {next} = {step};");
            lines.Add($"    {u} = {v};");
            lines.Add($"    {v} = {next};");
        }
        if (Chance(0.4))
            lines.Add("    " + Exit(i));
        _loopDepth--;
        _counters.RemoveAt(_counters.Count - 1);
        lines.Add("}");
        // Both carried values flow on into the rest of the method.
        _carried.Add(u);
        _carried.Add(v);
        return lines;
    }

    private List<string> Body(Counter? counter, string? element, IEnumerable<string> prologue)
    {
        var readable = _readable.Count;
        var counters = _counters.Count;
        if (counter is not null) _counters.Add(counter);
        if (element is not null) _readable.Add(element);
        _loopDepth++;
        var lines = new List<string> { "{" };
        lines.AddRange(prologue.Select(l => "    " + l));
        var count = _random.Next(1, 4);
        for (var k = 0; k < count; k++)
            lines.AddRange(BodyStatement(counter).Select(l => "    " + l));
        lines.Add("}");
        _loopDepth--;
        _readable.RemoveRange(readable, _readable.Count - readable);
        _counters.RemoveRange(counters, _counters.Count - counters);
        return lines;
    }

    private IEnumerable<string> BodyStatement(Counter? counter)
    {
        if (_extended && Chance(0.3)) return ExtendedStatement(counter);
        switch (_random.Next(10))
        {
            case 0:
            case 1:
            case 2:
                return [Update()];
            case 3:
            {
                var t = Fresh("t");
                var line = $"double {t} = {Expr(2)};";
                _readable.Add(t);
                return [line, Update()];
            }
            case 4 when _exits < 3:
                _exits++;
                return [Exit(counter?.Value)];
            case 5 when _loopDepth < 3:
                return Loop();
            case 6:
            {
                var lines = new List<string> { $"if ({Condition()})", "{", "    " + Update(), "}" };
                if (Chance(0.6)) lines.AddRange(["else", "{", "    " + Update(), "}"]);
                return lines;
            }
            case 7:
            {
                // int arithmetic: a computed index, or an int carried across iterations.
                var q = Fresh("q");
                var array = Pick(_arrays);
                var line = $"int {q} = ({IntExpr()}) % {array}.Length;";
                var target = Pick(_carried);
                return [line, $"{target} += {array}[{q}] * {Expr(1)};"];
            }
            case 8 when _ints.Any(c => c.StartsWith('c')):
            {
                var c = _ints.First(x => x.StartsWith('c'));
                return [Chance(0.5) ? $"{c}++;" : $"{c} += ({IntExpr()}) % 3;"];
            }
            default:
                return [Update()];
        }
    }

    /// <summary>break, continue or return under a condition.</summary>
    private string Exit(string? counter)
    {
        var condition = counter is not null && Chance(0.3)
            ? $"{counter} {Pick(["==", ">", ">="])} {_random.Next(1, 4)}"
            : Condition();
        return _random.Next(3) switch
        {
            0 => $"if ({condition}) break;",
            1 => $"if ({condition}) continue;",
            _ => $"if ({condition}) return {Final()};",
        };
    }

    /// <summary>An update of a carried value that keeps it finite over 125 iterations.</summary>
    private string Update()
    {
        var s = Pick(_carried);
        return _random.Next(6) switch
        {
            0 or 1 => $"{s} += {Expr(2)};",
            2 => $"{s} -= {Expr(2)};",
            3 => $"{s} = {s} * {Pick(["0.5", "0.9", "-0.75"])} + {Expr(2)};",
            4 => $"{s} *= 1.0 + 0.25 * Math.Sin({Expr(1)});",
            _ => $"{s} = Math.Tanh({s}) * {Expr(1)} + {Expr(1)};",
        };
    }

    private string Condition() => _extended && Chance(0.2) ? ExtendedCondition() : (_random.Next(4) is var k && _carried.Count == 0 && k is 0 or 3 ? 1 : k) switch
    {
        0 => $"{Pick(_carried)} {Pick(["<", ">"])} {Signed()}",
        1 => $"{Read()} {Pick(["<", ">"])} {Signed()}",
        2 => $"{Expr(1)} > {Expr(1)}",
        _ => $"{Pick(_carried)} > {Constant()} || {Read()} < {Signed()}",
    };

    /// <summary>The value returned: carried values themselves (not squashed), plus an expression.</summary>
    private string Final()
    {
        var terms = _carried.Where(_ => Chance(0.7)).ToList();
        if (terms.Count == 0) terms.Add(Pick(_carried));
        var ints = _ints.Where(c => c.StartsWith('c')).Select(c => $"{c} * 0.5");
        return string.Join(" + ", terms.Concat(ints).Append(Expr(1)));
    }

    private string Expr(int depth)
    {
        if (depth <= 0 || Chance(0.2))
            return Leaf();
        var d = depth - 1;
        if (_extended && Chance(0.25)) return ExtendedExpr(d);
        return _random.Next(10) switch
        {
            0 or 1 => $"({Expr(d)} + {Expr(d)})",
            2 => $"({Expr(d)} - {Expr(d)})",
            3 or 4 => $"({Expr(d)} * {Expr(d)})",
            5 => $"Math.{Pick(["Sin", "Cos", "Tanh", "Atan"])}({Expr(d)})",
            6 => $"Math.Exp(Math.Sin({Expr(d)}))",
            7 => Fraction(d),
            8 => $"({Condition()} ? {Expr(d)} : {Expr(d)})",
            _ => $"Math.{Pick(["Max", "Min"])}({Expr(d)}, {Expr(d)})",
        };
    }

    private string Fraction(int depth)
    {
        var u = Expr(depth);
        return $"({Expr(depth)} / (1.0 + {u} * {u}))";
    }

    /// <summary>A bounded leaf: an element, a parameter, a squashed carried value, a counter, a constant.</summary>
    private string Leaf()
    {
        switch (_random.Next(6))
        {
            case 0:
            case 1:
                return Read();
            case 2 when _readable.Count > 0:
                return Pick(_readable);
            case 3 when _carried.Count > 0:
                return $"Math.{Pick(["Tanh", "Sin"])}({Pick(_carried)})";
            case 4 when _counters.Count > 0:
                return $"({Pick(_counters).Value} * 0.25)";
            default:
                return Constant();
        }
    }

    /// <summary>An element read at an index in bounds: a counter, a mirror of it, a computed index, or a fixed one.</summary>
    private string Read()
    {
        var array = Pick(_arrays);
        var indexed = _counters.Where(c => c.Index is not null).ToList();
        var index = _random.Next(6) switch
        {
            0 or 1 when indexed.Count > 0 => Pick(indexed).Index!,
            2 when indexed.Count > 0 => $"{array}.Length - 1 - ({Pick(indexed).Index!})",
            3 when indexed.Count > 0 => $"({Pick(indexed).Index!}) / 2",
            4 => $"({IntExpr()}) % {array}.Length",
            _ => Pick(["0", $"{array}.Length - 1", $"{array}.Length / 2"]),
        };
        return $"{array}[{index}]";
    }

    /// <summary>A nonnegative int expression over counters, int locals and constants.</summary>
    private string IntExpr()
    {
        if (_counters.Count == 0) return _random.Next(0, 4).ToString(CultureInfo.InvariantCulture);
        var c = Pick(_counters).Value;
        return _random.Next(4) switch
        {
            0 => c,
            1 => $"{c} * {_random.Next(2, 4)} + {_random.Next(0, 3)}",
            2 => $"{c} + {Pick(_counters).Value}",
            _ => $"{c} * {c} / 2",
        };
    }

    private string Constant() =>
        (Math.Round(_random.NextDouble() * 2.4 + 0.1, 2)).ToString("0.0#", CultureInfo.InvariantCulture);

    private string Signed() => (Chance(0.5) ? "-" : "") + Constant();

    private string Fresh(string prefix) => prefix + _next++;

    private bool Chance(double p) => _random.NextDouble() < p;

    private string Pick(IReadOnlyList<string> items) => items[_random.Next(items.Count)];

    private Counter Pick(IReadOnlyList<Counter> items) => items[_random.Next(items.Count)];
}
