using System.Collections.Concurrent;
using System.Globalization;
using SymbolicGrad.Plotting;
using SymbolicGrad.TrainerTests.Models;

namespace SymbolicGrad.TrainerTests.Search;

public sealed class HyperparameterSearchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Dataset Blobs(int count = 400, int seed = 2) =>
        Synthetic.Blobs(count, features: 8, classes: 3, separation: 0.8f, seed: seed, labelNoise: 0.05);

    private static SearchSpace Space() => new SearchSpace()
        .LogUniform("lr", 0.003, 0.3)
        .Choice("batch", 16, 64)
        .Choice("hidden", 8, 32);

    private static TrialSetup Mlp(TrialParameters p) =>
        new(new TinyMlp(8, p.Get<int>("hidden"), 3, p.Seed), new Momentum(p.Get<float>("lr"), 0.9f), p.Get<int>("batch"));

    private static SearchOptions Quiet(int? concurrency = 2, int seed = 0, int epochs = 6) =>
        new() { Seed = seed, Epochs = epochs, Patience = 2, MaxConcurrency = concurrency, Progress = SearchProgress.Silent };

    [Fact]
    public void The_same_seed_gives_the_same_results_whatever_the_number_of_trials_at_a_time()
    {
        SearchResults Run(int concurrency, int seed = 0) => new HyperparameterSearch(Space(), Mlp, Quiet(concurrency, seed)).Random(Blobs(), trials: 6);

        var one = Run(1);
        var two = Run(2);
        var four = Run(4);

        Assert.Equal(one.ToTable(), two.ToTable());
        Assert.Equal(one.ToTable(), four.ToTable());
        for (int i = 0; i < one.Trials.Count; i++)
        {
            Assert.Equal(one.Trials[i].History.Select(e => e.ValidationLoss), four.Trials[i].History.Select(e => e.ValidationLoss));
            Assert.Equal(one.Trials[i].History.Select(e => e.TrainLoss), two.Trials[i].History.Select(e => e.TrainLoss));
        }

        Assert.NotEqual(one.ToTable(), Run(2, seed: 1).ToTable());
        // Ranked by validation accuracy, then loss.
        var accuracies = one.Trials.Select(t => t.ValidationAccuracy!.Value).ToArray();
        Assert.Equal(accuracies.OrderDescending(), accuracies);
        Assert.Equal(6, one.Trials.Select(t => t.Trial).Distinct().Count());
        Assert.InRange(one.Best.ValidationAccuracy!.Value, 0.6, 1.0); // three noisy blobs: well above the 33% of guessing
    }

    [Fact]
    public void Random_draws_are_log_uniform_within_the_bounds()
    {
        var space = new SearchSpace().LogUniform("lr", 1e-4, 1).Uniform("p", 0.1, 0.5).Choice("batch", 8, 16, 32, 64);
        var search = new HyperparameterSearch(space, p => new TrialSetup(new ScriptedModel(0.5), new Sgd(0.1f), 64), Quiet(epochs: 1));

        var trials = search.Random(Blobs(100), trials: 400).Trials;

        var lr = trials.Select(t => t.Parameters.Get<double>("lr")).ToArray();
        Assert.All(lr, v => Assert.InRange(v, 1e-4, 1));
        // Four decades, about 100 draws in each (±40 is over 4 standard deviations).
        for (int decade = -4; decade < 0; decade++)
        {
            Assert.InRange(lr.Count(v => v >= Math.Pow(10, decade) && v < Math.Pow(10, decade + 1)), 60, 140);
        }

        Assert.All(trials, t => Assert.InRange(t.Parameters.Get<double>("p"), 0.1, 0.5));
        Assert.Equal([8, 16, 32, 64], trials.Select(t => t.Parameters.Get<int>("batch")).Distinct().Order());
    }

    [Fact]
    public void Grid_search_trains_every_point_in_order_or_a_seeded_subset()
    {
        var space = new SearchSpace().Choice("lr", 0.01, 0.1).Choice("batch", 16, 32, 64);
        var seen = new ConcurrentBag<(int Trial, double Lr, int Batch)>();
        TrialSetup Factory(TrialParameters p)
        {
            seen.Add((p.Trial, p.Get<double>("lr"), p.Get<int>("batch")));
            return new TrialSetup(new TinyMlp(8, 8, 3, p.Seed), new Momentum(p.Get<float>("lr"), 0.9f), p.Get<int>("batch"));
        }

        var all = new HyperparameterSearch(space, Factory, Quiet(epochs: 2)).Grid(Blobs());

        Assert.Equal(SearchStrategy.Grid, all.Strategy);
        Assert.Equal(
            [(1, 0.01, 16), (2, 0.01, 32), (3, 0.01, 64), (4, 0.1, 16), (5, 0.1, 32), (6, 0.1, 64)],
            seen.OrderBy(s => s.Trial));

        seen.Clear();
        var some = new HyperparameterSearch(space, Factory, Quiet(epochs: 2, seed: 3)).Grid(Blobs(), maxTrials: 4);
        var picked = seen.OrderBy(s => s.Trial).ToArray();
        Assert.Equal(4, picked.Length);
        Assert.Equal(4, picked.Select(s => (s.Lr, s.Batch)).Distinct().Count());
        seen.Clear();
        new HyperparameterSearch(space, Factory, Quiet(epochs: 2, seed: 3)).Grid(Blobs(), maxTrials: 4);
        Assert.Equal(picked, seen.OrderBy(s => s.Trial));
        Assert.Equal(6, new HyperparameterSearch(space, Factory, Quiet(epochs: 1)).Grid(Blobs(), maxTrials: 50).Trials.Count);
    }

    [Fact]
    public void The_optimizer_can_be_a_searched_choice_and_names_its_column()
    {
        var space = new SearchSpace().Choice("optimizer", "sgd", "adam").LogUniform("lr", 0.001, 0.1, gridPoints: 2);
        var built = new ConcurrentBag<(int Trial, string Name, Type Type, float Lr)>();
        TrialSetup Factory(TrialParameters p)
        {
            float lr = p.Get<float>("lr");
            Optimizer optimizer = p.Get<string>("optimizer") switch
            {
                "sgd" => new Sgd(lr),
                "adam" => new Adam(lr),
                var other => throw new ArgumentException($"unknown optimizer {other}"),
            };
            built.Add((p.Trial, p.Get<string>("optimizer"), optimizer.GetType(), optimizer.LearningRate));
            return new TrialSetup(new TinyMlp(8, 16, 3, p.Seed), optimizer, 32);
        }

        var results = new HyperparameterSearch(space, Factory, Quiet(epochs: 3)).Grid(Blobs());

        Assert.Equal(
            [(1, "sgd", typeof(Sgd), 0.001f), (2, "sgd", typeof(Sgd), 0.1f), (3, "adam", typeof(Adam), 0.001f), (4, "adam", typeof(Adam), 0.1f)],
            built.OrderBy(b => b.Trial));
        var table = results.ToTable().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^rank\s+trial\s+optimizer\s+lr\s+epochs\s+best\s+val loss\s+val acc$", table[0]);
        Assert.Equal(4, table.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d\s+\d\s+(sgd|adam)\s+(0\.001|0\.1)\s")));
    }

    [Fact]
    public void Trials_train_and_validate_only_on_the_training_set_and_validation_rows_are_never_trained_on()
    {
        var all = Blobs(500, seed: 9);
        var (train, test) = all.Split(0.2, seed: 1);
        var recorders = new ConcurrentBag<RecordingModel>();
        TrialSetup Factory(TrialParameters p)
        {
            var setup = Mlp(p);
            var recorder = new RecordingModel(setup.Model);
            recorders.Add(recorder);
            return new TrialSetup(recorder, setup.Optimizer, setup.BatchSize);
        }

        var search = new HyperparameterSearch(Space(), Factory, Quiet(epochs: 3) with { ValidationFraction = 0.25 });
        var results = search.SuccessiveHalving(train, trials: 6, minEpochs: 1, factor: 2);

        var trainKeys = RecordingModel.Keys(train);
        var testKeys = RecordingModel.Keys(test);
        Assert.Empty(trainKeys.Intersect(testKeys)); // the fixture's rows are distinguishable
        var trained = recorders.SelectMany(r => r.TrainedRows).ToHashSet();
        var evaluated = recorders.SelectMany(r => r.EvaluatedRows).ToHashSet();
        Assert.Equal(6, recorders.Count);
        Assert.Equal(300, trained.Count);     // 75% of the 400 training rows
        Assert.Equal(100, evaluated.Count);   // the other 25%: validation
        Assert.Empty(trained.Intersect(evaluated));
        Assert.Subset(trainKeys, trained);
        Assert.Subset(trainKeys, evaluated);
        Assert.Empty(testKeys.Intersect(trained.Union(evaluated)));
        Assert.Equal(300, results.TrainingRows);
        Assert.Equal(100, results.ValidationRows);
        // Every trial validated on the same rows.
        Assert.All(recorders, r => Assert.Equal(evaluated, r.EvaluatedRows));

        // Retraining the best uses every training row (validation included) and still no test row.
        recorders.Clear();
        var (trainer, history) = search.Retrain(results.Best, train);
        var retrained = Assert.Single(recorders);
        Assert.Same(retrained, trainer.Model);
        Assert.Equal(trainKeys, retrained.TrainedRows);
        Assert.Empty(testKeys.Intersect(retrained.TrainedRows.Union(retrained.EvaluatedRows)));
        Assert.Equal(results.Best.BestEpoch, history.Epochs.Count);
    }

    [Fact]
    public void Successive_halving_keeps_the_best_of_each_rung_and_trains_the_last_one_fully()
    {
        var space = new SearchSpace().Uniform("quality", 0.1, 0.9);
        var reports = new List<SearchProgress>();
        var search = new HyperparameterSearch(space, p => new TrialSetup(new ScriptedModel(p.Get<double>("quality")), new Sgd(0.1f), 100),
            Quiet(epochs: 9) with { Patience = null, Progress = new Recorder(reports) });

        var results = search.SuccessiveHalving(Blobs(500), trials: 9, minEpochs: 1, factor: 3);

        var byQuality = results.Trials.OrderByDescending(t => t.Parameters.Get<double>("quality")).ToArray();
        Assert.Equal(SearchStrategy.SuccessiveHalving, results.Strategy);
        Assert.Equal(byQuality[0].Trial, results.Best.Trial);
        // Rung 0: nine trials, one epoch each; the best three continue to three epochs; the best of those to nine.
        Assert.Equal([2, 1, 1, 0, 0, 0, 0, 0, 0], byQuality.Select(t => t.Rung));
        Assert.Equal([9, 3, 3, 1, 1, 1, 1, 1, 1], byQuality.Select(t => t.Epochs));
        Assert.Equal(byQuality.Select(t => t.Trial), results.Trials.Select(t => t.Trial));
        Assert.Equal(9 + 3 + 1, reports.Count(r => r.Kind == SearchProgressKind.TrialCompleted));
        Assert.Equal(2, reports.Count(r => r.Kind == SearchProgressKind.RungCompleted));
        Assert.Equal(SearchProgressKind.SearchStarted, reports[0].Kind);
        Assert.Equal(SearchProgressKind.SearchEnded, reports[^1].Kind);
        Assert.Same(results, reports[^1].Results);
    }

    [Theory]
    [InlineData(10, 1, 3, "1, 3, 10", new[] { 10, 3, 3, 1, 1, 1, 1, 1, 1 }, "rung 1: trial #{0} continues to 10 epochs")]  // 10/3 rounds to 3, 10/9 to 1
    [InlineData(5, 2, 3, "2, 5", new[] { 5, 5, 5, 2, 2, 2, 2, 2, 2 }, "rung 0: trials #{0}, #")]    // 5/3 rounds to 2; 5/9 is under minEpochs
    [InlineData(1, 1, 3, "1", new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, null)]                           // one rung: every trial at the whole budget
    public void Successive_halving_rungs_divide_the_budget_by_the_factor_and_end_at_it(int epochs, int minEpochs, int factor, string rungs, int[] trained, string? lastRung)
    {
        var space = new SearchSpace().Uniform("quality", 0.1, 0.9);
        var reports = new List<SearchProgress>();
        var search = new HyperparameterSearch(space, p => new TrialSetup(new ScriptedModel(p.Get<double>("quality")), new Sgd(0.1f), 100),
            Quiet(epochs: epochs) with { Patience = null, Progress = new Recorder(reports) });

        var results = search.SuccessiveHalving(Blobs(300), trials: 9, minEpochs, factor);

        Assert.Contains($"rungs of {rungs} epochs", reports[0].Message);
        Assert.Equal(trained, results.Trials.OrderByDescending(t => t.Parameters.Get<double>("quality")).Select(t => t.Epochs));
        Assert.Equal(epochs, results.Best.Epochs);
        var rungMessages = reports.Where(r => r.Kind == SearchProgressKind.RungCompleted).Select(r => r.Message!).ToArray();
        if (lastRung is null)
        {
            Assert.Empty(rungMessages);
        }
        else
        {
            Assert.StartsWith(string.Format(CultureInfo.InvariantCulture, lastRung, results.Best.Trial), rungMessages[^1]);
        }
    }

    [Fact]
    public void Successive_halving_on_a_real_model_promotes_only_trials_that_ranked_above_every_dropped_one()
    {
        var reports = new List<SearchProgress>();
        var search = new HyperparameterSearch(Space(), Mlp, Quiet(epochs: 8) with { Progress = new Recorder(reports) });

        var results = search.SuccessiveHalving(Blobs(), trials: 8, minEpochs: 2, factor: 2);

        var completed = reports.Where(r => r.Kind == SearchProgressKind.TrialCompleted).Select(r => r.Trial!).ToArray();
        int lastRung = completed.Max(t => t.Rung);
        Assert.Equal(2, lastRung); // 8 trials → 4 → 2 → 1 would be rung 3, but the budget 2 → 4 → 8 ends at rung 2
        for (int rung = 0; rung < lastRung; rung++)
        {
            var here = completed.Where(t => t.Rung == rung).ToArray();
            var promoted = completed.Where(t => t.Rung == rung + 1).Select(t => t.Trial).ToHashSet();
            Assert.Equal(here.Length / 2, promoted.Count);
            foreach (var up in here.Where(t => promoted.Contains(t.Trial)))
            {
                foreach (var dropped in here.Where(t => !promoted.Contains(t.Trial)))
                {
                    Assert.True(SearchResultsOrder(up, dropped) < 0, $"trial {up.Trial} was promoted over {dropped.Trial} but ranked below it");
                }
            }
        }

        Assert.Equal(lastRung, results.Best.Rung);
        Assert.True(results.Best.Epochs == 8 || results.Best.StoppedEarly);
    }

    // The documented order: higher accuracy, then lower loss, then lower trial number.
    private static int SearchResultsOrder(TrialResult a, TrialResult b)
    {
        int c = b.ValidationAccuracy!.Value.CompareTo(a.ValidationAccuracy!.Value);
        c = c != 0 ? c : a.ValidationLoss.CompareTo(b.ValidationLoss);
        return c != 0 ? c : a.Trial.CompareTo(b.Trial);
    }

    private sealed class Recorder(List<SearchProgress> reports) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => reports.Add(value); // the search never reports two at once
    }

    [Fact]
    public void A_diverging_trial_is_ranked_last_as_failed_and_the_search_goes_on()
    {
        var space = new SearchSpace().Choice("lr", 0.05, 1e30);
        var results = new HyperparameterSearch(space, p => new TrialSetup(new TinyMlp(8, 8, 3), new Sgd(p.Get<float>("lr")), 16), Quiet(epochs: 3))
            .Grid(Blobs());

        Assert.Equal(1, results.Best.Trial);
        var failed = results.Trials[1];
        Assert.Equal(2, failed.Trial);
        Assert.NotNull(failed.Failure);
        Assert.Null(failed.ValidationAccuracy);
        Assert.True(double.IsNaN(failed.ValidationLoss));
        Assert.Contains("diverged", results.ToTable());

        var allFailed = new HyperparameterSearch(new SearchSpace().Choice("lr", 1e30),
            p => new TrialSetup(new TinyMlp(8, 8, 3), new Sgd(p.Get<float>("lr")), 16), Quiet(epochs: 2)).Grid(Blobs());
        Assert.Contains("Every one of the 1 trials failed", Assert.Throws<InvalidOperationException>(() => allFailed.Best).Message);
    }

    [Fact]
    public void Factory_mistakes_end_the_search_naming_the_trial()
    {
        var shared = new TinyMlp(8, 8, 3);
        var reuse = Assert.Throws<InvalidOperationException>(() =>
            new HyperparameterSearch(Space(), p => new TrialSetup(shared, new Sgd(0.1f), 16), Quiet(concurrency: 1, epochs: 1)).Random(Blobs(), 2));
        Assert.Contains("the model it returned for trial 1", reuse.ToString());

        var broken = Assert.Throws<InvalidOperationException>(() =>
            new HyperparameterSearch(Space(), p => throw new FormatException("no such optimizer"), Quiet(epochs: 1)).Random(Blobs(), 3));
        Assert.Contains("trial 1 (lr=", broken.Message);
        Assert.Contains("no such optimizer", broken.Message);
        Assert.IsType<FormatException>(broken.InnerException);

        Assert.Throws<ArgumentException>(() => new HyperparameterSearch(Space(), Mlp, Quiet()).Random(Blobs(1), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperparameterSearch(Space(), Mlp, Quiet()).SuccessiveHalving(Blobs(), 4, minEpochs: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperparameterSearch(Space(), Mlp, Quiet()).SuccessiveHalving(Blobs(), 4, factor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperparameterSearch(Space(), Mlp, Quiet()).Grid(Blobs(), maxTrials: 0));
    }

    [Fact]
    public void Trial_parameters_read_by_name_and_type_with_clear_errors()
    {
        TrialParameters? first = null;
        new HyperparameterSearch(Space(), p => { first ??= p; return Mlp(p); }, Quiet(concurrency: 1, epochs: 1)).Random(Blobs(), 1);

        Assert.Equal(1, first!.Trial);
        Assert.Equal(["lr", "batch", "hidden"], first.Names);
        Assert.Equal((float)first.Get<double>("lr"), first.Get<float>("lr"));
        Assert.Equal(first.Get<int>("batch"), first.Get<long>("batch"));
        Assert.Matches(@"^lr=[0-9.e-]+ batch=(16|64) hidden=(8|32)$", first.ToString());
        Assert.Contains("it has: lr, batch, hidden", Assert.Throws<KeyNotFoundException>(() => first.Get<int>("dropout")).Message);
        Assert.Contains("is a Int32", Assert.Throws<InvalidCastException>(() => first.Get<string>("batch")).Message);
        Assert.False(first.Contains("dropout"));
    }

    [Fact]
    public void At_most_the_allowed_trials_run_at_once()
    {
        var space = new SearchSpace().Uniform("quality", 0.2, 0.8);
        ScriptedModel.MostActive = 0;
        new HyperparameterSearch(space, p => new TrialSetup(new ScriptedModel(p.Get<double>("quality")) { DelayMilliseconds = 2 }, new Sgd(0.1f), 50),
            Quiet(concurrency: 2, epochs: 2)).Random(Blobs(200), trials: 8);

        Assert.InRange(ScriptedModel.MostActive, 1, 2);
    }

    [Fact]
    public void Progress_lines_the_table_and_the_csv_agree()
    {
        var text = new StringWriter();
        var search = new HyperparameterSearch(Space(), Mlp, Quiet(epochs: 3) with { Progress = new SearchTextProgress(text) });

        var results = search.Random(Blobs(), trials: 4);

        string output = text.ToString();
        Assert.StartsWith("random search: 4 points, up to 3 epochs each, early stopping after 2 epochs without a lower validation loss; training on 320 rows, validating on 80", output);
        Assert.Equal(4, output.Split('\n').Count(l => l.StartsWith("trial ", StringComparison.Ordinal)));
        Assert.EndsWith(results.ToTable(), output.Replace("\r\n", "\n"));
        var table = results.ToTable().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^rank\s+trial\s+lr\s+batch\s+hidden\s+epochs\s+best\s+val loss\s+val acc$", table[0]);
        Assert.Matches(@"^\s+1\s+\d\s+[0-9.]+\s+(16|64)\s+(8|32)\s+\d\*?\s+\d\s+\d\.\d{4}\s+\d{1,3}\.\d{2}%$", table[1]);

        string path = _folder.File("search.csv");
        results.WriteCsv(path);
        var lines = File.ReadAllLines(path);
        Assert.Equal("rank,trial,rung,lr,batch,hidden,epochs,best_epoch,validation_loss,validation_accuracy,train_loss,stopped_early,failure,seconds", lines[0]);
        Assert.Equal(5, lines.Length);
        for (int i = 0; i < 4; i++)
        {
            var fields = lines[i + 1].Split(',');
            var trial = results.Trials[i];
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), fields[0]);
            Assert.Equal(trial.Trial, int.Parse(fields[1], CultureInfo.InvariantCulture));
            Assert.Equal(trial.Parameters.Get<double>("lr"), double.Parse(fields[3], CultureInfo.InvariantCulture)); // to the bit
            Assert.Equal(trial.ValidationAccuracy, double.Parse(fields[9], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_search_plot_is_written_as_png_and_svg()
    {
        var results = new HyperparameterSearch(Space(), Mlp, Quiet(epochs: 4)).SuccessiveHalving(Blobs(), trials: 4, minEpochs: 1, factor: 2);

        string png = _folder.File("search.png");
        SearchPlot.Save(results, png, width: 800, height: 300);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal((byte)'P', bytes[1]);
        Assert.True(bytes.Length > 10_000, $"only {bytes.Length} bytes");

        string svg = _folder.File("search.svg");
        SearchPlot.Save(results, svg);
        string xml = File.ReadAllText(svg);
        Assert.Equal(3, xml.Split("<svg").Length - 1); // the frame, the ranking and the curves
        Assert.Contains("#" + results.Best.Trial.ToString(CultureInfo.InvariantCulture), xml);
        System.Xml.Linq.XDocument.Parse(xml);
        Assert.Throws<ArgumentException>(() => SearchPlot.Save(results, _folder.File("search.gif")));
    }
}
