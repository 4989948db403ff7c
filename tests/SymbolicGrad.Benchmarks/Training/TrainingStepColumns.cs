using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SymbolicGrad.Benchmarks.Training;

/// <summary>Samples per second from the median step time.</summary>
internal sealed class SamplesPerSecondColumn : TrainingStepColumn
{
    public SamplesPerSecondColumn() : base("Samples/s", "Samples per second: batch / median step time") { }

    protected override double? Value(Summary summary, BenchmarkCase benchmarkCase) => SamplesPerSecond(summary, benchmarkCase);

    protected override string Format(double value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>This method's samples/s over the hand-written step's, same network and batch (≥ 0.95 is the goal).</summary>
internal sealed class SpeedVersusHandColumn : TrainingStepColumn
{
    public SpeedVersusHandColumn() : base("vs hand", "Samples/s relative to the hand-written step (median over median)") { }

    protected override double? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.Baseline
            && c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        return baseline is null ? null : SamplesPerSecond(summary, benchmarkCase) / SamplesPerSecond(summary, baseline);
    }
}

/// <summary>This method's samples/s over TorchSharp's, as quoted in issue 3 (measured earlier on this machine, not in this run).</summary>
internal sealed class SpeedVersusTorchSharpColumn : TrainingStepColumn
{
    public SpeedVersusTorchSharpColumn() : base("vs TorchSharp*", "Samples/s over TorchSharp-cpu 0.107's quoted samples/s (issue 3; not measured in this run)") { }

    /// <summary>TorchSharp-cpu 0.107, one thread, median of 3, same model and step, as quoted in issue 3.</summary>
    internal static double? Quoted(string network, int batch) => (network, batch) switch
    {
        ("784-128-10", 1) => 2_150,
        ("784-128-10", 16) => 27_700,
        ("784-128-10", 64) => 69_200,
        ("784-128-10", 256) => 117_000,
        ("784-512-512-10", 256) => 16_700,
        _ => null,
    };

    protected override double? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        var quoted = Quoted(((TrainingStepBenchmarks)Activator.CreateInstance(benchmarkCase.Descriptor.Type)!).Network, Batch(benchmarkCase));
        return quoted is null ? null : SamplesPerSecond(summary, benchmarkCase) / quoted;
    }
}

/// <summary>Shared plumbing of the training-step columns.</summary>
internal abstract class TrainingStepColumn(string name, string legend) : IColumn
{
    public string Id => GetType().Name;
    public string ColumnName => name;
    public string Legend => legend;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Value(summary, benchmarkCase) is double v && double.IsFinite(v) ? Format(v) : "-";

    protected abstract double? Value(Summary summary, BenchmarkCase benchmarkCase);

    protected virtual string Format(double value) => value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    protected static int Batch(BenchmarkCase benchmarkCase) => (int)benchmarkCase.Parameters["Batch"];

    protected static double? SamplesPerSecond(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics is { } statistics ? Batch(benchmarkCase) / (statistics.Median * 1e-9) : null;
}
