namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// The constructs only <see cref="LoopLanguage.Extended"/> programs draw. Each keeps the program finite and its loops
/// bounded: a counter moves before any continue can skip it, carried values grow at most linearly, and arguments of
/// Sqrt, Log, Cbrt and a non-integer Pow stay positive.
/// </summary>
internal sealed partial class RandomLoopProgramGenerator
{
    /// <summary>A loop statement the core family does not write.</summary>
    private List<string> ExtendedLoop()
    {
        var lines = new List<string>();
        var array = Pick(_arrays);
        switch (_random.Next(6))
        {
            case 0:
            {
                // while (true), left by a break at the top of the body (on the counter, or also on a differentiable value).
                var w = Fresh("w");
                lines.Add($"int {w} = 0;");
                var exit = Chance(0.5) ? $"{w} >= {array}.Length" : $"{w} >= {array}.Length || {Pick(_carried)} > {Constant()}";
                lines.Add("while (true)");
                lines.AddRange(Body(new Counter(w, $"{w} - 1"), null, [$"if ({exit}) break;", $"{w}++;"]));
                return lines;
            }
            case 1:
            {
                // for on a differentiable condition: the derivative is that of the iterations taken.
                var k = Fresh("k");
                lines.Add($"for (int {k} = 0; {Pick(_carried)} {Pick(["<", ">"])} {Signed()} && {k} < {_random.Next(2, 6)}; {k}++)");
                lines.AddRange(Body(new Counter(k, null), null, []));
                return lines;
            }
            case 2:
            {
                // do on a differentiable condition: the body runs at least once.
                var g = Fresh("g");
                lines.Add($"int {g} = 0;");
                lines.Add("do");
                lines.AddRange(Body(new Counter(g, null), null, [$"{g}++;"]));
                lines.Add($"while ({Pick(_carried)} {Pick(["<", ">"])} {Signed()} && {g} < {_random.Next(2, 6)});");
                return lines;
            }
            case 3:
            {
                // A stencil: each iteration reads the element before its own.
                var i = Fresh("i");
                var previous = new Counter($"({i} - 1)", $"{i} - 1");
                _counters.Add(previous);
                lines.Add($"for (int {i} = 1; {i} < {array}.Length; {i}++)");
                lines.AddRange(Body(new Counter(i, i), null, [$"{Pick(_carried)} += ({array}[{i}] - {array}[{i} - 1]) * {Expr(1)};"]));
                _counters.Remove(previous);
                return lines;
            }
            case 4:
            {
                // Steps other than ±1 from the core: down by two, or ++i up to an inclusive bound.
                var i = Fresh("i");
                lines.Add(Chance(0.5)
                    ? $"for (int {i} = {array}.Length - 1; {i} >= 0; {i} -= 2)"
                    : $"for (int {i} = 0; {i} <= {array}.Length - 1; ++{i})");
                lines.AddRange(Body(new Counter(i, i), null, []));
                return lines;
            }
            default:
            {
                // foreach with a position counted alongside (moved first, so a continue cannot skip it).
                var e = Fresh("e");
                var j = Fresh("j");
                lines.Add($"int {j} = 0;");
                lines.Add($"foreach (double {e} in {array})");
                lines.AddRange(Body(new Counter(j, $"{j} - 1"), e, [$"{j}++;"]));
                return lines;
            }
        }
    }

    /// <summary>A loop-body statement the core family does not write.</summary>
    private IEnumerable<string> ExtendedStatement(Counter? counter)
    {
        var s = Pick(_carried);
        switch (_random.Next(6))
        {
            case 0:
            {
                var u = Expr(1);
                return [$"{s} /= 1.0 + {u} * {u};"];
            }
            case 1:
            {
                // Tuple deconstruction into new locals, readable by the rest of the body.
                string p = Fresh("p"), q = Fresh("p");
                string[] lines = [$"var ({p}, {q}) = ({Expr(1)}, {Expr(1)});", $"{s} += {p} * {q};"];
                _readable.Add(p);
                _readable.Add(q);
                return lines;
            }
            case 2 when _exits < 3:
            {
                // An exit after an assignment in its branch: the values at the exit are the assigned ones.
                _exits++;
                var exit = _random.Next(3) switch { 0 => "break;", 1 => "continue;", _ => $"return {Final()};" };
                return [$"if ({Condition()})", "{", "    " + Update(), "    " + exit, "}"];
            }
            case 3:
            {
                // A switch expression (relational arms; the discard catches NaN) on an element or a carried value.
                var input = Chance(0.5) ? Read() : s;
                return [$"{s} += {input} switch {{ < -{Constant()} => {Expr(1)}, > {Constant()} => {Expr(1)}, _ => {Expr(1)} }};"];
            }
            case 4 when counter is not null:
                return [$"if ({counter.Value} % 2 == 0)", "{", "    " + Update(), "}", "else", "{", "    " + Update(), "}"];
            default:
                // Through Sqrt and still bounded: |s'| <= (1 + |s|) / 2 + a bounded term.
                return [$"{s} = Math.Sqrt(1.0 + {s} * {s}) * 0.5 + {Expr(1)};"];
        }
    }

    /// <summary>Int comparisons of counters, counter parity, and relational patterns on a differentiable value.</summary>
    private string ExtendedCondition()
    {
        var ints = _counters.Select(c => c.Value).ToList();
        return _random.Next(3) switch
        {
            0 when ints.Count > 0 => $"{Pick(ints)} <= {Pick(ints)}",
            1 when ints.Count > 0 => $"{Pick(ints)} % 2 == 1",
            // Before the first carried value is declared, only elements can be read.
            _ => $"{(_carried.Count > 0 && Chance(0.5) ? Pick(_carried) : Read())} is > -{Constant()} and < {Constant()}",
        };
    }

    private static string Atan2(string y, string u) => $"Math.Atan2({y}, 1.0 + {u} * {u})";

    /// <summary>An expression through a function or form the core family does not use.</summary>
    private string ExtendedExpr(int depth)
    {
        var x = Expr(depth);
        return _random.Next(12) switch
        {
            0 => $"Math.Sqrt(1.0 + {x} * {x})",
            1 => $"Math.Log(1.0 + {x} * {x})",
            2 => $"Math.Abs({x})",
            3 => Chance(0.5) ? $"Math.Pow({x}, {Pick(["2", "3"])})" : $"Math.Pow(2.0 + Math.Sin({x}), {Expr(depth)})",
            4 => Atan2(x, Expr(depth)),
            5 => $"Math.Clamp({x}, -1.0, 1.0)",
            6 => $"Math.Cbrt(2.0 + Math.Sin({x}))",
            7 => $"Math.FusedMultiplyAdd({x}, {Expr(depth)}, {Expr(depth)})",
            8 => $"Math.CopySign({x}, {Expr(depth)})",
            // Floating %: its derivative is 1 with respect to the dividend between jumps.
            9 => $"({x} % {Constant()})",
            10 => $"({Read()} switch {{ < -{Constant()} => {x}, > {Constant()} => {Expr(depth)}, _ => {Expr(depth)} }})",
            _ => $"({ExtendedCondition()} ? {x} : {Expr(depth)})",
        };
    }
}
