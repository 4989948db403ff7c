using System.Text;
using CsCheck;
using Microsoft.CodeAnalysis;
using SymbolicGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Random models, functions of vectors and scalar functions whose fields, parameters and locals take their names from
/// a pool of names generated code also uses (W and w, dW, batch, r, i, sum, Lanes, Math, Parameters, the generated
/// members …), keywords written with @, unicode letters and underscores. Every program must generate and compile with
/// no error and no warning in generated code, and with no generator diagnostic except SG0017 where a name the contract
/// fixes (LossGradient, LossWorkspace, an out dX) is taken — exactly there. A failure prints CsCheck's seed; rerun it
/// with the environment variable CsCheck_Seed set to it.
/// </summary>
public sealed class NamePropertyTests(ITestOutputHelper output)
{
    private const int Programs = 100;

    private static readonly string[] Pool =
    [
        "W", "w", "dW", "dw", "b", "x", "y", "batch", "r", "i", "sum", "total", "loss", "labels", "logits", "classes", "correct",
        "best", "targets", "accumulateGradient", "workspace", "sampleWeight", "f", "t1", "dT1", "xValues", "WValues", "wRows",
        "Lanes", "Math", "MathF", "System", "Parameters", "LossGradient", "LossWorkspace", "LossBatch", "LossForward",
        "LossCheckArguments", "LossCheckWeights", "forwardRows", "width", "_LossWorkspaces", "FGradient", "FWorkspace", "@event", "@class", "@int", "@this", "var", "value",
        "nameof", "global", "φ", "Δ", "δ", "ñame", "_", "_x", "x_1", "__",
        // What the generated code introduces since (the workspace's claim and forward thread, the pooled return's store),
        // what it calls (Environment, Workspace, Interlocked), contextual keywords and verbatim or escaped identifiers.
        "forwardThread", "inUse", "Environment", "Workspace", "Interlocked", "LossBackwardUnchecked", "t4", "dT4", "softmaxT4", "logsumexpT4",
        "args", "@args", "@value", "@var", "@nameof", "async", "await", "dynamic", "record", "init", "when", "where", "yield", "partial", "@base", "@return",
        "ÿ", "Ωmega", "变量",
    ];

    private static readonly string[] MethodNames = ["Loss", "F", "Predict"];

    [Fact]
    public void ProgramsWithCollidingNamesCompile()
    {
        var programs = Gen.Select(Gen.OneOf(Pool).Array[24], Gen.Int[0, 99].Array[12]).Select((names, choices) => NameProgram.Build(names, choices));
        int conflicts = 0, checkedMethods = 0;
        programs.Sample(program =>
        {
            var run = GeneratorHarness.Run(program.Source);
            var problems = new List<string>();
            if (run.GeneratorException is not null) problems.Add("generator threw: " + run.GeneratorException);
            problems.AddRange(run.OutputErrors.Concat(run.GeneratedWarnings).Select(d => "output: " + d));
            problems.AddRange(run.Diagnostics.Where(d => d.Id != "SG0017").Select(d => "unexpected: " + d));
            var reported = run.Diagnostics.Where(d => d.Id == "SG0017").Select(d => MethodAt(program.Source, d)).ToHashSet();
            foreach (var method in program.Methods)
            {
                if (method.Conflicts != reported.Contains(method.Type))
                    problems.Add($"{method.Type}.{method.Name}: SG0017 {(method.Conflicts ? "expected but not reported" : "reported but not expected")}");
                if (method.Conflicts == run.GeneratedSources.ContainsKey($"P.{method.Type}.{method.Name}.g.cs"))
                    problems.Add($"{method.Type}.{method.Name}: {(method.Conflicts ? "a file despite SG0017" : "no generated file")}");
            }
            if (problems.Count > 0) throw new Xunit.Sdk.XunitException(string.Join(Environment.NewLine, problems));
            Interlocked.Add(ref conflicts, program.Methods.Count(m => m.Conflicts));
            Interlocked.Add(ref checkedMethods, program.Methods.Count);
        }, iter: Programs, threads: 1, print: program => program.Source);
        output.WriteLine($"{checkedMethods} methods in {Programs} programs, {conflicts} with a taken public name (SG0017)");
        // Both outcomes must be exercised, or the test proves less than it says.
        Assert.InRange(conflicts, 1, checkedMethods - 1);
    }

    /// <summary>The type whose [Differentiable] method a diagnostic is on (by the method's line).</summary>
    private static string MethodAt(string source, Diagnostic diagnostic)
    {
        var lines = source.Split('\n');
        for (int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line; line >= 0; line--)
        {
            string text = lines[line].Trim();
            if (text.StartsWith("public sealed partial class ", StringComparison.Ordinal) || text.StartsWith("public static partial class ", StringComparison.Ordinal))
                return text.Split(' ')[4];
        }
        return "?";
    }

    /// <summary>A generated method of a program, and whether a name the contract fixes for it is taken.</summary>
    private sealed record MethodCase(string Type, string Name, bool Conflicts);

    /// <summary>One compilation unit: a model, a function of vectors and a scalar function, with names from the pool.</summary>
    private sealed record NameProgram(string Source, IReadOnlyList<MethodCase> Methods)
    {
        public override string ToString() => Source;

        public static NameProgram Build(string[] pool, int[] choices)
        {
            // One program in eight names the model's first field after its generated gradient method, so a run of 100
            // almost surely meets SG0017 (left to the pool alone, one run in about a hundred had no taken name).
            var names = new Queue<string>(choices[10] % 8 == 0 ? [MethodNames[choices[0] % MethodNames.Length] + "Gradient", .. pool] : pool);
            var methods = new List<MethodCase>();
            var source = new StringBuilder("""
                using SymbolicGrad;
                using static SymbolicGrad.Ops;

                namespace P;

                """);
            methods.Add(Model(source, names, choices));
            methods.Add(TensorFunction(source, names, choices));
            methods.Add(ScalarFunction(source, names, choices));
            return new NameProgram(source.ToString(), methods);
        }

        private static string Bare(string name) => name.TrimStart('@');

        /// <summary>The next name of the pool that is not (by its bare name) in <paramref name="taken"/>, or a fresh one.</summary>
        private static string Take(Queue<string> names, ICollection<string> taken)
        {
            while (names.Count > 0)
            {
                string name = names.Dequeue();
                if (!taken.Contains(Bare(name))) return Add(name);
            }
            for (int k = 0; ; k++)
            {
                if (!taken.Contains("n" + k)) return Add("n" + k);
            }

            string Add(string name)
            {
                taken.Add(Bare(name));
                return name;
            }
        }

        private static string GradientName(string name) => "d" + char.ToUpperInvariant(Bare(name)[0]) + Bare(name).Substring(1);

        /// <summary>Whether two differentiable parameters share an out name, or one's out name is another parameter's name.</summary>
        private static bool OutNamesClash(IEnumerable<string> differentiable, IEnumerable<string> all)
        {
            var taken = new HashSet<string>(all.Select(Bare));
            return differentiable.Any(p => !taken.Add(GradientName(p)));
        }

        private static MethodCase Model(StringBuilder source, Queue<string> names, int[] choices)
        {
            string method = MethodNames[choices[0] % MethodNames.Length];
            var memberNames = new HashSet<string> { "M", method };
            var fields = Enumerable.Range(0, 1 + choices[1] % 3).Select(k => (Name: Take(names, memberNames), Matrix: (choices[2] + k) % 2 == 0)).ToList();
            var parameterNames = new HashSet<string>();
            string x = Take(names, parameterNames), target = Take(names, parameterNames);
            bool labels = choices[3] % 2 == 0;
            var localNames = new HashSet<string>(parameterNames);
            string h = Take(names, localNames), output = Take(names, localNames);

            source.AppendLine("public sealed partial class M : Model").AppendLine("{");
            foreach (var (name, matrix) in fields)
            {
                source.AppendLine($"    {(Bare(name) == "Parameters" ? "new " : "")}readonly {(matrix ? "Mat" : "Vec")} {name};");
            }
            source.AppendLine("    public M()").AppendLine("    {");
            foreach (var (name, matrix) in fields)
            {
                source.AppendLine(matrix
                    ? $"        this.{name} = base.Parameters.Matrix(3, 3, Init.Xavier(1));"
                    : $"        this.{name} = base.Parameters.Vector(3, Init.Normal(0.5f, 2));");
            }
            source.AppendLine("    }");
            source.AppendLine("    [Differentiable]");
            source.AppendLine($"    public float {method}([NoDiff] Vec {x}, {(labels ? "int" : "[NoDiff] Vec")} {target})").AppendLine("    {");
            source.AppendLine($"        Vec {h} = {x};");
            foreach (var (name, matrix) in fields) source.AppendLine(matrix ? $"        {h} = Tanh(this.{name} * {h});" : $"        {h} = {h} + this.{name};");
            source.AppendLine($"        Vec {output} = {h} * 0.5f;");
            string penalty = fields[0].Matrix ? "" : $" + 0.01f * Sum(Square(this.{fields[0].Name}))";
            source.AppendLine(labels ? $"        return SoftmaxCrossEntropy({output}, {target}){penalty};" : $"        return Mse({output}, {target}){penalty};");
            source.AppendLine("    }").AppendLine("}").AppendLine();

            var generated = new HashSet<string>(new[] { "Gradient", "GradientBatch", "Batch", "Forward", "Backward", "ForwardBatch", "BackwardBatch", "Workspace" }.Select(s => method + s));
            return new MethodCase("M", method, fields.Any(f => generated.Contains(Bare(f.Name))));
        }

        private static MethodCase TensorFunction(StringBuilder source, Queue<string> names, int[] choices)
        {
            string method = MethodNames[choices[4] % MethodNames.Length];
            var parameterNames = new HashSet<string>();
            var weights = Enumerable.Range(0, 1 + choices[5] % 3).Select(k => (Name: Take(names, parameterNames), Matrix: (choices[6] + k) % 2 == 0)).ToList();
            string x = Take(names, parameterNames), label = Take(names, parameterNames);
            var localNames = new HashSet<string>(parameterNames);
            string h = Take(names, localNames);

            source.AppendLine("public static partial class T").AppendLine("{");
            source.AppendLine("    [Differentiable]");
            string list = string.Join(", ", weights.Select(p => (p.Matrix ? "Mat " : "Vec ") + p.Name));
            source.AppendLine($"    public static float {method}({list}, [NoDiff] Vec {x}, int {label})").AppendLine("    {");
            source.AppendLine($"        Vec {h} = {x};");
            foreach (var (name, matrix) in weights) source.AppendLine(matrix ? $"        {h} = Tanh({name} * {h});" : $"        {h} = {h} + {name};");
            source.AppendLine($"        return SoftmaxCrossEntropy({h}, {label});");
            source.AppendLine("    }").AppendLine("}").AppendLine();

            return new MethodCase("T", method, OutNamesClash(weights.Select(p => p.Name), weights.Select(p => p.Name).Append(x).Append(label)));
        }

        private static MethodCase ScalarFunction(StringBuilder source, Queue<string> names, int[] choices)
        {
            string method = MethodNames[choices[7] % MethodNames.Length];
            var parameterNames = new HashSet<string>();
            var differentiable = Enumerable.Range(0, 1 + choices[8] % 3).Select(_ => Take(names, parameterNames)).ToList();
            string data = Take(names, parameterNames), count = Take(names, parameterNames);
            var localNames = new HashSet<string>(parameterNames);
            string first = Take(names, localNames), second = Take(names, localNames);

            source.AppendLine("public static partial class S").AppendLine("{");
            source.AppendLine("    [Differentiable]");
            string list = string.Join(", ", differentiable.Select(p => "double " + p));
            source.AppendLine($"    public static double {method}({list}, [NoDiff] double {data}, int {count})").AppendLine("    {");
            source.AppendLine($"        double {first} = {differentiable[0]} * {data};");
            foreach (string p in differentiable.Skip(1)) source.AppendLine($"        {first} = {first} + global::System.Math.Sin({p}) * {count};");
            source.AppendLine($"        double {second} = global::System.Math.Exp({first}) * {first};");
            source.AppendLine(choices[9] % 2 == 0 ? $"        return {second} + {first};" : $"        return {second} / (1.0 + {first} * {first});");
            source.AppendLine("    }").AppendLine("}").AppendLine();

            return new MethodCase("S", method, OutNamesClash(differentiable, differentiable.Append(data).Append(count)));
        }
    }
}
