using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicGrad.Generator;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// The generator's cost in an IDE (issue 9): a project of 50 [Differentiable] methods in 10 files, compiled once
/// (<see cref="FirstCompile"/>, everything runs), then edited one keystroke at a time (<see cref="EditOneMethod"/>: a
/// constant in one method's body changes; <see cref="EditElsewhere"/>: a comment in a file without [Differentiable]
/// methods). Goal: an edit costs ≤ 5 ms.
/// </summary>
[MemoryDiagnoser]
public class GeneratorEditBenchmarks
{
    private const int Files = 10, MethodsPerFile = 5;
    private MetadataReference[] _references = null!;
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _driver = null!;
    private SyntaxTree[] _editedMethod = null!, _editedElsewhere = null!;
    private int _edits;

    [GlobalSetup]
    public void Setup()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        _references = platform.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location))
            .ToArray();
        var trees = Enumerable.Range(0, Files).Select(f => Parse(FileSource(f, 0), $"File{f}.cs"))
            .Append(Parse(Unrelated(0), "Unrelated.cs")).ToArray();
        _compilation = CSharpCompilation.Create("Bench", trees, _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _editedMethod = [Parse(FileSource(3, 0), "File3.cs"), Parse(FileSource(3, 0, editedMethod: 2), "File3.cs")];
        _editedElsewhere = [Parse(Unrelated(0), "Unrelated.cs"), Parse(Unrelated(1), "Unrelated.cs")];
        var run = FirstCompile().GetRunResult();
        if (run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || run.GeneratedTrees.Length != Files * MethodsPerFile)
        {
            throw new InvalidOperationException("The benchmark project does not generate cleanly: " + string.Join("; ", run.Diagnostics));
        }
        _driver = FirstCompile();
    }

    /// <summary>
    /// A fresh driver over the whole project, parsed anew (as a build does): every method is lowered, differentiated,
    /// planned and written, and nothing of an earlier run can be reused.
    /// </summary>
    [Benchmark]
    public GeneratorDriver FirstCompile()
    {
        var fresh = _compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(_compilation.SyntaxTrees.Select(t => Parse(t.GetText().ToString(), t.FilePath)));
        return CSharpGeneratorDriver.Create(new DifferentiationGenerator()).RunGenerators(fresh);
    }

    /// <summary>
    /// One method's body changes (a digit of a constant, as one keystroke that keeps the line): that method is lowered,
    /// differentiated, planned and written again; its file's other methods keep their lowering.
    /// </summary>
    [Benchmark]
    public GeneratorDriver EditOneMethod() => Edit(_editedMethod);

    /// <summary>A comment changes in a file without [Differentiable] methods.</summary>
    [Benchmark]
    public GeneratorDriver EditElsewhere() => Edit(_editedElsewhere);

    private GeneratorDriver Edit(SyntaxTree[] versions)
    {
        // Alternate between two versions so every run sees a change.
        var next = versions[++_edits % 2];
        var old = _compilation.SyntaxTrees.Single(t => t.FilePath == next.FilePath);
        _compilation = _compilation.ReplaceSyntaxTree(old, next);
        _driver = _driver.RunGenerators(_compilation);
        return _driver;
    }

    /// <summary>Medians of thread CPU time over 40 runs each: a first compile, an edit of one method, an edit elsewhere.</summary>
    public static void ReportCpuTime()
    {
        var bench = new GeneratorEditBenchmarks();
        bench.Setup();
        if (Environment.GetEnvironmentVariable("SG_EDIT_LOOP") is { } loops)
        {
            // For a profiler: one kind of edit (SG_EDIT_KIND=method, else elsewhere), many times.
            Func<GeneratorDriver> edit = Environment.GetEnvironmentVariable("SG_EDIT_KIND") == "method" ? bench.EditOneMethod : bench.EditElsewhere;
            for (int i = 0; i < int.Parse(loops); i++) edit();
            return;
        }
        double? firstCompile = null;
        foreach (var (name, run) in new (string, Func<GeneratorDriver>)[] { ("first compile", bench.FirstCompile), ("edit one method", bench.EditOneMethod), ("edit elsewhere", bench.EditElsewhere) })
        {
            for (int i = 0; i < 5; i++) run();
            var times = new List<double>();
            for (int i = 0; i < 40; i++)
            {
                long before = Training.ThreadCpuClock.Instance.GetTimestamp();
                run();
                times.Add((Training.ThreadCpuClock.Instance.GetTimestamp() - before) / 1e6);
            }
            times.Sort();
            double median = times[times.Count / 2];
            firstCompile ??= median;
            // The ratio to the first compile of the same run is robust to a machine slowed by others' work.
            string ratio = name == "first compile" ? "" : $"; {median / firstCompile.Value:P1} of a first compile";
            Console.WriteLine($"{name,-16} {median,8:F2} ms CPU (median of 40; min {times[0]:F2}, max {times[^1]:F2}{ratio})");
        }
    }

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, path: path);

    /// <summary>File <paramref name="file"/>'s source; <paramref name="editedMethod"/> (if any) has another digit in its constant.</summary>
    private static string FileSource(int file, int version, int editedMethod = -1)
    {
        var sb = new StringBuilder("using System;\nusing SymbolicGrad;\n\nnamespace Bench;\n\n");
        sb.Append($"public static partial class F{file}\n{{\n");
        for (int m = 0; m < MethodsPerFile; m++)
        {
            double constant = 0.5 + version + m + (m == editedMethod ? 1 : 0);
            sb.Append((m % 3) switch
            {
                0 => $$"""
                    [Differentiable]
                    public static double M{{m}}(double x, double y)
                    {
                        double z = x * y + {{constant}};
                        double s = Math.Sin(z) * Math.Exp(-z * z / 8.0);
                        return z > 0 ? s + Math.Log(1.0 + x * x) : s - Math.Tanh(y);
                    }

                    """,
                1 => $$"""
                    [Differentiable]
                    public static double M{{m}}(double[] c, double x)
                    {
                        double p = {{constant}};
                        for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
                        return p;
                    }

                    """,
                _ => $$"""
                    [Differentiable]
                    public static double M{{m}}(double[] a, double w, double b)
                    {
                        double loss = 0;
                        foreach (double v in a)
                        {
                            double r = w * v + b - {{constant}};
                            loss += r * r;
                        }
                        return loss;
                    }

                    """,
            });
        }
        return sb.Append("}\n").ToString();
    }

    private static string Unrelated(int version) =>
        $"namespace Bench;\n\n// Version {version}.\npublic static class Unrelated\n{{\n    public static int Answer => 42;\n}}\n";
}
