using System.Diagnostics;
using System.Text;

namespace SymbolicGrad.Package.Tests;

/// <summary>What a finished process printed, and how it ended.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>The command, its exit code and everything it printed, for failure messages.</summary>
    public override string ToString() => $"$ {CommandLine}\nexit code {ExitCode}\n{Output}";
}

/// <summary>Runs the dotnet CLI with a time limit, capturing stdout and stderr together.</summary>
public static class ProcessRunner
{
    // Build servers and reused MSBuild nodes would outlive the command and keep its output pipes open.
    private static readonly string[] IsolationArguments = ["-nodeReuse:false", "-p:UseSharedCompilation=false"];

    // Set by the test host's own dotnet; a nested dotnet must find its own MSBuild.
    private static readonly string[] InheritedVariablesToDrop =
        ["MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG"];

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c>; build verbs get the isolation switches.</summary>
    /// <exception cref="TimeoutException">The command ran longer than <paramref name="timeout"/>; it is killed, and the message holds its output.</exception>
    public static ProcessResult Dotnet(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        bool builds = arguments.Length > 0 && arguments[0] is "build" or "pack" or "restore";
        string[] all = builds ? [.. arguments, .. IsolationArguments] : arguments;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in all)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string name in InheritedVariablesToDrop)
        {
            start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        string commandLine = "dotnet " + string.Join(' ', all);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout.TotalSeconds:F0} s.\n{Snapshot(output)}");
        }
        // The exit is known, but only the parameterless WaitForExit waits for the asynchronous readers to reach
        // the end of the output; bound it, in case a leftover child process holds the pipe open.
        Task.Run(() => process.WaitForExit()).Wait(TimeSpan.FromSeconds(30));
        return new ProcessResult(commandLine, process.ExitCode, Snapshot(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
