using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicGrad.Generator;

namespace SymbolicGrad.Benchmarks;

/// <summary>
/// Time of one generator run (parse, differentiate, emit) over a [Differentiable] method of about
/// <see cref="Operations"/> operations: a chain of locals mixing arithmetic, functions and selects.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private SyntaxTree _tree = null!;
    private MetadataReference[] _references = null!;

    /// <summary>Approximate number of operations in the method's source.</summary>
    [Params(100, 500)]
    public int Operations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = CSharpSyntaxTree.ParseText(Source(Operations));
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        _references = platform.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location))
            .ToArray();
        var run = RunOnce();
        if (run.Diagnostics.Length > 0 || run.GeneratedTrees.Length != 1)
        {
            throw new InvalidOperationException("The benchmark method does not generate cleanly: " + string.Join("; ", run.Diagnostics));
        }
    }

    /// <summary>A fresh compilation each time, so binding the method's body is part of the measured work.</summary>
    [Benchmark]
    public GeneratorDriverRunResult RunOnce()
    {
        var compilation = CSharpCompilation.Create("Bench", [_tree], _references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new DifferentiationGenerator());
        return driver.RunGenerators(compilation).GetRunResult();
    }

    private static string Source(int operations)
    {
        var body = new StringBuilder("double v0 = a * b + c;\n");
        var random = new Random(1);
        int count = 2, i = 0;
        while (count < operations)
        {
            i++;
            string previous = "v" + (i - 1), older = "v" + random.Next(Math.Max(0, i - 8), i);
            (string line, int ops) = (i % 5) switch
            {
                0 => ($"{previous} * {older} + a", 2),
                1 => ($"Math.Sin({previous}) - b * {older}", 3),
                2 => ($"Math.Tanh({previous} / (1.0 + {older} * {older}))", 4),
                3 => ($"Math.Exp(-{previous} * {previous}) + c", 4),
                _ => ($"{previous} > 0 ? {previous} * c : {older}", 3),
            };
            body.Append($"double v{i} = {line};\n");
            count += ops;
        }
        body.Append($"return v{i};\n");
        return "using System; using SymbolicGrad;\npublic static partial class Big\n{\n[Differentiable]\npublic static double F(double a, double b, double c)\n{\n"
            + body + "}\n}\n";
    }
}
