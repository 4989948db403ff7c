using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SymbolicGrad.Generator;

namespace SymbolicGrad.Benchmarks.EditCost;

/// <summary>
/// One generator in an IDE-like session over a project of 50 [Differentiable] methods in 10 files (plus a file without
/// any): a driver that has run once, then edits one keystroke at a time. Each edit is a new syntax tree made from the
/// last one with <see cref="SyntaxTree.WithChangedText"/>, as an editor makes it; the driver then runs on the new
/// compilation. Making the tree is the editor's work, apart from <see cref="Run"/>.
/// </summary>
internal sealed class EditSession
{
    public const int Files = 10, MethodsPerFile = 5;
    private const string EditedFile = "File3.cs", UnrelatedFile = "Unrelated.cs";
    private readonly Func<IIncrementalGenerator> _generator;
    private readonly MetadataReference[] _references;
    private CSharpCompilation _compilation;
    private GeneratorDriver _driver;

    public EditSession(Func<IIncrementalGenerator> generator, MetadataReference[] references)
    {
        _generator = generator;
        _references = references;
        var trees = Enumerable.Range(0, Files).Select(f => Parse(FileSource(f), $"File{f}.cs")).Append(Parse(Unrelated, UnrelatedFile));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _driver = CSharpGeneratorDriver.Create(generator()).RunGenerators(_compilation);
    }

    /// <summary>The references of a project that uses SymbolicGrad: the platform and the runtime.</summary>
    public static MetadataReference[] ProjectReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location))
            .ToArray();
    }

    /// <summary>The project as it is now (after the last edit).</summary>
    public CSharpCompilation Compilation => _compilation;

    /// <summary>The tree the last edit changed (null before any).</summary>
    public SyntaxTree? EditedTree { get; private set; }

    /// <summary>The whole project parsed anew, as a build starts: nothing of an earlier analysis can be reused.</summary>
    public CSharpCompilation Reparsed() =>
        _compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(_compilation.SyntaxTrees.Select(t => Parse(t.GetText().ToString(), t.FilePath)));

    /// <summary>The last run's result.</summary>
    public GeneratorDriverRunResult Result => _driver.GetRunResult();

    /// <summary>Runs the driver on the current compilation (after an edit).</summary>
    public GeneratorDriver Run() => _driver = _driver.RunGenerators(_compilation);

    /// <summary>
    /// A fresh driver over the whole project, parsed anew (as a build does): nothing of an earlier run can be reused.
    /// </summary>
    public GeneratorDriver FirstCompile()
    {
        return CSharpGeneratorDriver.Create(_generator()).RunGenerators(Reparsed());
    }

    /// <summary>A digit of a constant in one method's body changes (typed over, so the line and the file's length stay).</summary>
    public void EditOneMethod()
    {
        _previousText = _compilation.SyntaxTrees.Single(t => t.FilePath == EditedFile).GetText().ToString();
        TypeDigit(EditedFile, EditedBefore);
    }

    /// <summary>
    /// A digit is typed in front of the same constant, then deleted again on the next call: an edit that changes the file's
    /// length (as most keystrokes do), so that the methods after it in the file move.
    /// </summary>
    public void InsertInOneMethod()
    {
        var old = _compilation.SyntaxTrees.Single(t => t.FilePath == EditedFile);
        var text = old.GetText();
        _previousText = text.ToString();
        int position = _previousText.IndexOf(EditedBefore, StringComparison.Ordinal) + EditedBefore.Length;
        var change = _inserted ? new TextChange(new TextSpan(position, 1), "") : new TextChange(new TextSpan(position, 0), "1");
        _inserted = !_inserted;
        var edited = old.WithChangedText(text.WithChanges(change));
        _compilation = _compilation.ReplaceSyntaxTree(old, edited);
        EditedTree = edited;
    }

    private bool _inserted;

    /// <summary>
    /// Throws unless the last run generated the edited method's new output: its file holds the constant as the last
    /// <see cref="EditOneMethod"/> typed it, no longer the one before, and the driver reported no error.
    /// </summary>
    public void CheckEditedMethodsOutput()
    {
        var result = _driver.GetRunResult();
        var text = EditedTree!.GetText().ToString();
        string typed = ConstantAfter(text, EditedBefore), replaced = ConstantAfter(_previousText!, EditedBefore);
        var generated = result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(EditedMethodHint, StringComparison.Ordinal)).SourceText.ToString();
        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || !generated.Contains(" " + typed) || generated.Contains(" " + replaced))
        {
            throw new InvalidOperationException($"After the edit of {replaced} to {typed}, the driver did not generate the method's new gradient:\n{generated}");
        }
    }

    private const string EditedBefore = "b - ", EditedMethodHint = "F3.M2.g.cs";

    /// <summary>The number written after <paramref name="before"/> in <paramref name="text"/>.</summary>
    private static string ConstantAfter(string text, string before)
    {
        int start = text.IndexOf(before, StringComparison.Ordinal) + before.Length;
        return text[start..text.IndexOf(';', start)];
    }

    private string? _previousText;

    /// <summary>A digit of a comment changes in a file without [Differentiable] methods.</summary>
    public void EditElsewhere() => TypeDigit(UnrelatedFile, "// Version ");

    private void TypeDigit(string path, string before)
    {
        var old = _compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = old.GetText();
        int position = text.ToString().IndexOf(before, StringComparison.Ordinal) + before.Length;
        char digit = text[position] == '9' ? '1' : (char)(text[position] + 1);
        var edited = old.WithChangedText(text.WithChanges(new TextChange(new TextSpan(position, 1), digit.ToString())));
        _compilation = _compilation.ReplaceSyntaxTree(old, edited);
        EditedTree = edited;
    }

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, path: path);

    /// <summary>File <paramref name="file"/>'s source: five methods, three of them with a loop.</summary>
    private static string FileSource(int file)
    {
        var sb = new StringBuilder("using System;\nusing SymbolicGrad;\n\nnamespace Bench;\n\n");
        sb.Append($"public static partial class F{file}\n{{\n");
        for (int m = 0; m < MethodsPerFile; m++)
        {
            double constant = 0.5 + m;
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

    private const string Unrelated = "namespace Bench;\n\n// Version 0.\npublic static class Unrelated\n{\n    public static int Answer => 42;\n}\n";
}
