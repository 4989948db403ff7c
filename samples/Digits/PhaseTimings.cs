using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// What <c>--timings</c> prints to the error stream when the run ends: for each phase of the process (runtime start,
/// reading the data, building the model, training, evaluating) its wall time, the process's CPU time and the time the
/// JIT compiler spent in it, to see where a whole run's seconds go.
/// </summary>
internal sealed class PhaseTimings
{
    private readonly List<(string Phase, TimeSpan Wall, TimeSpan Cpu, TimeSpan Jit, long Methods)> _phases = [];
    private readonly DateTime _processStart;
    private DateTime _lastWall;
    private TimeSpan _lastCpu;
    private TimeSpan _lastJit;
    private long _lastMethods;

    private PhaseTimings()
    {
        // The first phase runs from the process's start: the host and runtime starting, up to Main.
        _processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        _lastWall = _processStart;
        Mark("start, reading options");
    }

    /// <summary>A recorder when <paramref name="enabled"/>, else null (every call through <c>?.</c> then costs nothing).</summary>
    public static PhaseTimings? StartIf(bool enabled) => enabled ? new PhaseTimings() : null;

    /// <summary>Ends the phase that ran since the previous mark (or the process's start) and names it.</summary>
    public void Mark(string phase)
    {
        var wall = DateTime.UtcNow;
        var cpu = Environment.CpuUsage.TotalTime;
        var jit = JitInfo.GetCompilationTime();
        long methods = JitInfo.GetCompiledMethodCount();
        _phases.Add((phase, wall - _lastWall, cpu - _lastCpu, jit - _lastJit, methods - _lastMethods));
        (_lastWall, _lastCpu, _lastJit, _lastMethods) = (wall, cpu, jit, methods);
    }

    /// <summary>Writes the table of phases and the process's total so far.</summary>
    public void Write(TextWriter writer)
    {
        writer.WriteLine(Invariant($"{"phase",-24} {"wall s",7} {"CPU s",7} {"JIT s",7} {"methods",8}"));
        foreach (var (phase, wall, cpu, jit, methods) in _phases)
        {
            writer.WriteLine(Invariant($"{phase,-24} {wall.TotalSeconds,7:F3} {cpu.TotalSeconds,7:F3} {jit.TotalSeconds,7:F3} {methods,8}"));
        }

        writer.WriteLine(Invariant(
            $"{"total",-24} {(_lastWall - _processStart).TotalSeconds,7:F3} {_lastCpu.TotalSeconds,7:F3} {_lastJit.TotalSeconds,7:F3} {_lastMethods,8}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
