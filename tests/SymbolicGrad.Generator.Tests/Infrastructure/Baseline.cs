using System.Runtime.CompilerServices;
using System.Text;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot comparison of generated text with committed files <c>Baselines/&lt;TestName&gt;.g.cs</c>.
/// Set <c>SYMBOLICGRAD_ACCEPT_BASELINES=1</c> to (re)write the baselines from the current output.
/// </summary>
internal static class Baseline
{
    public const string AcceptVariable = "SYMBOLICGRAD_ACCEPT_BASELINES";

    private const int ContextLines = 3;

    private static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    /// <summary>Compares <paramref name="actual"/> with the baseline named after the calling test.</summary>
    public static void Verify(string actual, [CallerMemberName] string testName = "", [CallerFilePath] string callerFile = "")
    {
        var path = BaselinePath(testName, callerFile);
        actual = Normalize(actual);
        if (Accepting)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return;
        }

        var received = Path.ChangeExtension(path, null) + ".received.cs";
        if (!File.Exists(path))
        {
            File.WriteAllText(received, actual);
            throw new Xunit.Sdk.XunitException(
                $"Baseline '{path}' does not exist. The generated text is in '{received}'; " +
                $"review it and accept with {AcceptVariable}=1.");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected == actual)
        {
            if (File.Exists(received))
                File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        throw new Xunit.Sdk.XunitException(
            $"Generated text differs from baseline '{path}' (received text written to '{received}'; " +
            $"accept with {AcceptVariable}=1):" + Environment.NewLine + Diff(expected, actual));
    }

    /// <summary>
    /// Generates from <paramref name="source"/>, asserts a clean run (<see cref="GeneratorRun.AssertClean"/>), compares
    /// generated file <paramref name="hintName"/> with the calling test's baseline and returns its text.
    /// </summary>
    public static string VerifyGenerated(string source, string hintName, [CallerMemberName] string testName = "", [CallerFilePath] string callerFile = "") =>
        VerifyRun(source, hintName, testName, callerFile).Source(hintName);

    /// <summary>As <see cref="VerifyGenerated"/>, then loads the output for numeric checks.</summary>
    public static LoadedAssembly VerifyAndLoad(string source, string hintName, [CallerMemberName] string testName = "", [CallerFilePath] string callerFile = "") =>
        LoadedAssembly.Emit(VerifyRun(source, hintName, testName, callerFile).OutputCompilation);

    private static GeneratorRun VerifyRun(string source, string hintName, string testName, string callerFile)
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        Verify(run.Source(hintName), testName, callerFile);
        return run;
    }

    /// <summary>The baseline file: next to the calling source file when the source tree is present, else in the output.</summary>
    private static string BaselinePath(string testName, string callerFile)
    {
        var sourceDirectory = Path.GetDirectoryName(callerFile);
        var fromSource = sourceDirectory is null ? null : Path.Combine(sourceDirectory, "Baselines");
        var directory = fromSource is not null && Directory.Exists(fromSource)
            ? fromSource
            : Path.Combine(AppContext.BaseDirectory, "Baselines");
        return Path.Combine(directory, testName + ".g.cs");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    /// <summary>The first differing line with a few lines of context from both texts.</summary>
    internal static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var first = 0;
        while (first < e.Length && first < a.Length && e[first] == a[first])
            first++;
        var from = Math.Max(0, first - ContextLines);
        var sb = new StringBuilder();
        sb.AppendLine($"First difference at line {first + 1} (expected {e.Length} lines, actual {a.Length}).");
        for (var i = from; i < first; i++)
            sb.AppendLine($"  {i + 1,4}   {e[i]}");
        for (var i = first; i < Math.Min(e.Length, first + ContextLines + 1); i++)
            sb.AppendLine($"- {i + 1,4}   {e[i]}");
        for (var i = first; i < Math.Min(a.Length, first + ContextLines + 1); i++)
            sb.AppendLine($"+ {i + 1,4}   {a[i]}");
        return sb.ToString();
    }
}
