using SymbolicGrad.Samples.Digits;

namespace SymbolicGrad.SamplesTests;

public class DigitsOptionsTests
{
    [Fact]
    public void No_arguments_give_the_issue_recipe()
    {
        var options = DigitsOptions.Parse([]);

        Assert.Null(options.DataDirectory);
        Assert.Equal(10, options.Epochs);
        Assert.Equal([128], options.Hidden);
        Assert.Equal(64, options.BatchSize);
        Assert.Equal(OptimizerKind.Momentum, options.Optimizer);
        Assert.Equal(0.05f, options.EffectiveLearningRate);
        Assert.Equal(0.9f, options.EffectiveMomentum);
        Assert.Equal(0, options.Seed);
        Assert.Null(options.Threads);
        Assert.Null(options.CheckpointPath);
        Assert.False(options.Resume);
        Assert.Null(options.PlotPath);
        Assert.Null(options.CsvPath);
        Assert.Null(options.GraphPath);
        Assert.False(options.ShowHelp);
        Assert.False(options.Augment);
        Assert.Null(options.PcaComponents);
        Assert.Null(options.Search);
        Assert.Null(options.Trials);
        Assert.Empty(options.GivenOptions);
        var optimizer = Assert.IsType<Momentum>(options.CreateOptimizer());
        Assert.Equal(0.05f, optimizer.LearningRate);
        Assert.Equal(0.9f, optimizer.Beta);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var options = DigitsOptions.Parse([
            "--data", "/data/mnist", "--epochs", "3", "--hidden", "32", "--batch", "100", "--optimizer", "nesterov",
            "--lr", "0.02", "--momentum", "0.5", "--seed", "-7", "--checkpoint", "net.ckpt", "--resume", "--plot", "out/curves.svg",
            "--threads", "3", "--graph", "out/net.md",
        ]);

        Assert.Equal("/data/mnist", options.DataDirectory);
        Assert.Equal(3, options.Epochs);
        Assert.Equal([32], options.Hidden);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(OptimizerKind.Nesterov, options.Optimizer);
        Assert.Equal(0.02f, options.EffectiveLearningRate);
        Assert.Equal(0.5f, options.EffectiveMomentum);
        Assert.Equal(-7, options.Seed);
        Assert.Equal(3, options.Threads);
        Assert.Equal("net.ckpt", options.CheckpointPath);
        Assert.True(options.Resume);
        Assert.Equal("out/curves.svg", options.PlotPath);
        Assert.Equal(Path.Combine("out", "curves.csv"), options.CsvPath);
        Assert.Equal("out/net.md", options.GraphPath);
        var optimizer = Assert.IsType<Nesterov>(options.CreateOptimizer());
        Assert.Equal(0.02f, optimizer.LearningRate);
        Assert.Equal(0.5f, optimizer.Beta);
    }

    [Theory]
    [InlineData("momentum", 64, 0.05f)]
    [InlineData("momentum", 256, 0.05f)]
    [InlineData("momentum", 16, 0.0125f)]
    [InlineData("nesterov", 4, 0.003125f)]
    [InlineData("sgd", 1, 0.0015625f)]
    [InlineData("sgd", 32, 0.05f)]
    [InlineData("adam", 4, 0.001f)]
    [InlineData("rmsprop", 1, 0.001f)]
    public void The_default_learning_rate_of_the_SGD_family_shrinks_with_a_batch_below_64(string optimizer, int batch, float rate)
    {
        var options = DigitsOptions.Parse(["--optimizer", optimizer, "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(rate, options.EffectiveLearningRate);
        Assert.Equal(rate, options.CreateOptimizer().LearningRate);
    }

    [Fact]
    public void A_learning_rate_given_is_kept_at_any_batch()
    {
        Assert.Equal(0.05f, DigitsOptions.Parse(["--batch", "1", "--lr", "0.05"]).EffectiveLearningRate);
        Assert.Equal(0.2f, DigitsOptions.Parse(["--lr", "0.2", "--batch", "4", "--optimizer", "sgd"]).EffectiveLearningRate);
    }

    [Fact]
    public void Several_hidden_layers_are_read_in_order()
    {
        Assert.Equal([256, 128], DigitsOptions.Parse(["--hidden", "256,128"]).Hidden);
        Assert.Equal([64, 32, 16], DigitsOptions.Parse(["--hidden=64, 32 ,16"]).Hidden);
    }

    [Fact]
    public void Values_may_follow_an_equals_sign()
    {
        var options = DigitsOptions.Parse(["--epochs=4", "--lr=1e-3", "--optimizer=adam", "--plot=a.b.png"]);

        Assert.Equal(4, options.Epochs);
        Assert.Equal(0.001f, options.EffectiveLearningRate);
        Assert.Equal(OptimizerKind.Adam, options.Optimizer);
        Assert.Equal("a.b.png", options.PlotPath);
        Assert.Equal("a.b.csv", options.CsvPath);
    }

    [Theory]
    [InlineData("grid", SearchStrategy.Grid, null)]
    [InlineData("random", SearchStrategy.Random, 10)]
    [InlineData("halving", SearchStrategy.SuccessiveHalving, 27)]
    public void Search_strategies_and_their_default_trials(string name, SearchStrategy strategy, int? trials)
    {
        var options = DigitsOptions.Parse(["--search", name]);

        Assert.Equal(strategy, options.Search);
        Assert.Null(options.Trials);
        Assert.Equal(trials, options.DefaultTrials);
        Assert.Equal(7, DigitsOptions.Parse(["--search=" + name, "--trials", "7"]).Trials);
    }

    [Fact]
    public void Augment_and_pca_are_read_and_the_given_options_recorded()
    {
        var augmented = DigitsOptions.Parse(["--augment", "--hidden", "64"]);
        var projected = DigitsOptions.Parse(["--pca=40", "--search", "random", "--lr", "0.1"]);

        Assert.True(augmented.Augment);
        Assert.Null(augmented.PcaComponents);
        Assert.Equal(["--augment", "--hidden"], augmented.GivenOptions.Order());
        Assert.False(projected.Augment);
        Assert.Equal(40, projected.PcaComponents);
        Assert.Equal(["--lr", "--pca", "--search"], projected.GivenOptions.Order());
    }

    [Fact]
    public void The_search_space_leaves_out_what_the_command_line_fixes()
    {
        var open = DigitsSearch.Space(DigitsOptions.Parse(["--search", "grid"]));
        Assert.Equal(["lr", "batch", "hidden"], open.Parameters.Select(p => p.Name));
        Assert.Equal(27, open.GridSize);
        Assert.Equal(0.01, open.Parameters[0].Min, 7);   // momentum's 0.05 / 5
        Assert.Equal(0.15, open.Parameters[0].Max, 7);   // and × 3
        Assert.Equal(SearchParameterKind.LogUniform, open.Parameters[0].Kind);

        var adam = DigitsSearch.Space(DigitsOptions.Parse(["--search", "random", "--optimizer", "adam", "--hidden", "32"]));
        Assert.Equal(["lr", "batch"], adam.Parameters.Select(p => p.Name));
        Assert.Equal(0.0002, adam.Parameters[0].Min, 9);

        // A small --batch searches around its scaled rate: 0.05 · 4/64 = 0.003125, from a fifth to three times it.
        var small = DigitsSearch.Space(DigitsOptions.Parse(["--search", "grid", "--batch", "4"]));
        Assert.Equal(["lr", "hidden"], small.Parameters.Select(p => p.Name));
        Assert.Equal(0.000625, small.Parameters[0].Min, 9);
        Assert.Equal(0.009375, small.Parameters[0].Max, 9);

        var fixedAll = DigitsSearch.Space(DigitsOptions.Parse(["--search", "grid", "--lr", "0.1", "--batch", "16", "--hidden", "8"]));
        Assert.Empty(fixedAll.Parameters);
        Assert.Equal(1, fixedAll.GridSize);
    }

    [Theory]
    [InlineData("sgd", typeof(Sgd), 0.1f)]
    [InlineData("momentum", typeof(Momentum), 0.05f)]
    [InlineData("nesterov", typeof(Nesterov), 0.05f)]
    [InlineData("rmsprop", typeof(RmsProp), 0.001f)]
    [InlineData("adam", typeof(Adam), 0.001f)]
    [InlineData("adamw", typeof(AdamW), 0.001f)]
    [InlineData("AdamW", typeof(AdamW), 0.001f)]
    [InlineData("SGD", typeof(Sgd), 0.1f)]
    public void Each_optimizer_has_its_default_learning_rate(string name, Type type, float learningRate)
    {
        var options = DigitsOptions.Parse(["--optimizer", name]);

        var optimizer = options.CreateOptimizer();
        Assert.IsType(type, optimizer);
        Assert.Equal(learningRate, optimizer.LearningRate);
    }

    [Fact]
    public void A_given_learning_rate_overrides_the_optimizer_default()
    {
        var optimizer = DigitsOptions.Parse(["--optimizer", "adam", "--lr", "0.01"]).CreateOptimizer();

        Assert.IsType<Adam>(optimizer);
        Assert.Equal(0.01f, optimizer.LearningRate);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--epochs", "x", "--help")]
    [InlineData("--bogus", "-h")]
    public void Help_anywhere_asks_for_help_and_nothing_else(params string[] args)
    {
        var options = DigitsOptions.Parse(args);

        Assert.True(options.ShowHelp);
        Assert.Equal(new DigitsOptions { ShowHelp = true }, options);
    }

    [Fact]
    public void Epochs_zero_is_allowed_with_resume()
    {
        var options = DigitsOptions.Parse(["--epochs", "0", "--checkpoint", "c.bin", "--resume"]);

        Assert.Equal(0, options.Epochs);
    }

    [Theory]
    [InlineData("--hidden", "1")]
    [InlineData("--hidden", "16384")]
    [InlineData("--batch", "1")]
    [InlineData("--momentum", "0")]
    [InlineData("--momentum", "0.999")]
    [InlineData("--seed", "2147483647")]
    [InlineData("--seed", "-2147483648")]
    [InlineData("--lr", "1e-6")]
    [InlineData("--threads", "1")]
    [InlineData("--threads", "256")]
    [InlineData("--hidden", "16384,1")]
    [InlineData("--hidden", "8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8")]
    public void Values_at_the_edges_of_their_range_are_accepted(string name, string value)
    {
        var options = DigitsOptions.Parse([name, value]);

        Assert.False(options.ShowHelp);
    }

    // Every way the command line can be wrong, with a piece of the message that must name the problem.
    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("unknown option '-e'", "-e", "5")]
    [InlineData("unknown option '--Epochs'", "--Epochs", "5")]
    [InlineData("unexpected argument 'train'", "train")]
    [InlineData("unexpected argument '5'", "--resume", "5", "--checkpoint", "c")]
    [InlineData("--epochs needs a value", "--epochs")]
    [InlineData("--data needs a value", "--data", "--epochs", "3")]
    [InlineData("--plot needs a value", "--plot")]
    [InlineData("--data needs a non-empty value", "--data", "")]
    [InlineData("--checkpoint needs a non-empty value", "--checkpoint=")]
    [InlineData("--plot needs a non-empty value", "--plot", " ")]
    [InlineData("--epochs expects a whole number, got 'ten'", "--epochs", "ten")]
    [InlineData("--epochs expects a whole number, got '1.5'", "--epochs", "1.5")]
    [InlineData("--epochs expects a whole number, got '99999999999'", "--epochs", "99999999999")]
    [InlineData("--epochs must be at least 0, got -1", "--epochs", "-1")]
    [InlineData("--epochs must be at least 1 (0 is allowed only with --resume", "--epochs", "0")]
    [InlineData("--hidden expects a whole number, got ''", "--hidden=")]
    [InlineData("--hidden must be between 1 and 16384, got 0", "--hidden", "0")]
    [InlineData("--hidden must be between 1 and 16384, got 16385", "--hidden", "16385")]
    [InlineData("--hidden expects whole numbers separated by commas (256,128), got '256,,128'", "--hidden", "256,,128")]
    [InlineData("--hidden expects whole numbers separated by commas (256,128), got '256,'", "--hidden=256,")]
    [InlineData("--hidden must be between 1 and 16384, got 0", "--hidden", "64,0")]
    [InlineData("--hidden expects a whole number, got 'x'", "--hidden", "64,x")]
    [InlineData("--hidden expects a whole number, got '64;32'", "--hidden", "64;32")]
    [InlineData("--hidden takes at most 16 hidden layers, got 17", "--hidden", "8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8")]
    [InlineData("--batch must be at least 1, got 0", "--batch", "0")]
    [InlineData("--batch expects a whole number, got '64x'", "--batch", "64x")]
    [InlineData("--lr expects a finite number, got 'fast'", "--lr", "fast")]
    [InlineData("--lr expects a finite number, got 'NaN'", "--lr", "NaN")]
    [InlineData("--lr expects a finite number, got 'Infinity'", "--lr", "Infinity")]
    [InlineData("--lr expects a finite number, got '1e99'", "--lr", "1e99")]
    [InlineData("--lr expects a finite number, got '0,05'", "--lr", "0,05")]
    [InlineData("--lr must be positive, got 0", "--lr", "0")]
    [InlineData("--lr must be positive, got -0.1", "--lr", "-0.1")]
    [InlineData("--momentum expects a finite number, got 'high'", "--momentum", "high")]
    [InlineData("--momentum must be in [0, 1), got 1", "--momentum", "1")]
    [InlineData("--momentum must be in [0, 1), got -0.5", "--momentum", "-0.5")]
    [InlineData("--momentum applies to the momentum and nesterov optimizers, not to adam", "--optimizer", "adam", "--momentum", "0.5")]
    [InlineData("--momentum applies to the momentum and nesterov optimizers, not to sgd", "--momentum", "0.5", "--optimizer", "sgd")]
    [InlineData("--optimizer must be one of sgd, momentum, nesterov, rmsprop, adam, adamw; got 'lbfgs'", "--optimizer", "lbfgs")]
    [InlineData("--threads must be between 1 and 256, got 0", "--threads", "0")]
    [InlineData("--threads must be between 1 and 256, got -2", "--threads", "-2")]
    [InlineData("--threads must be between 1 and 256, got 257", "--threads=257")]
    [InlineData("--threads expects a whole number, got 'all'", "--threads", "all")]
    [InlineData("--threads needs a value", "--threads")]
    [InlineData("--seed expects a whole number, got 'abc'", "--seed", "abc")]
    [InlineData("--seed expects a whole number, got '2147483648'", "--seed", "2147483648")]
    [InlineData("--resume takes no value", "--resume=yes", "--checkpoint", "c")]
    [InlineData("--resume needs --checkpoint PATH", "--resume")]
    [InlineData("--plot needs a .png or .svg file name, got 'curves.pdf'", "--plot", "curves.pdf")]
    [InlineData("--plot needs a .png or .svg file name, got 'curves'", "--plot", "curves")]
    [InlineData("--graph needs a value", "--graph")]
    [InlineData("--graph needs a non-empty value", "--graph=")]
    [InlineData("--graph needs a .md file name, got 'net.mmd'", "--graph", "net.mmd")]
    [InlineData("--graph is given more than once", "--graph", "a.md", "--graph", "b.md")]
    [InlineData("--epochs is given more than once", "--epochs", "3", "--epochs", "4")]
    [InlineData("--resume is given more than once", "--resume", "--resume", "--checkpoint", "c")]
    [InlineData("--lr is given more than once", "--lr=0.1", "--lr", "0.2")]
    [InlineData("--augment takes no value", "--augment=yes")]
    [InlineData("--timings takes no value", "--timings=1")]
    [InlineData("--timings is given more than once", "--timings", "--timings")]
    [InlineData("--augment is given more than once", "--augment", "--augment")]
    [InlineData("--augment shifts the pixels, which --pca replaces", "--augment", "--pca", "20")]
    [InlineData("--pca must be at least 1, got 0", "--pca", "0")]
    [InlineData("--pca needs a value", "--pca")]
    [InlineData("--search must be grid, random or halving; got 'bayes'", "--search", "bayes")]
    [InlineData("--search needs a value", "--search")]
    [InlineData("--trials needs --search grid|random|halving", "--trials", "5")]
    [InlineData("--trials must be between 1 and 100000, got 0", "--search", "random", "--trials", "0")]
    [InlineData("--trials expects a whole number, got 'many'", "--search", "random", "--trials", "many")]
    [InlineData("--search trains new models; it cannot --resume", "--search", "grid", "--resume", "--checkpoint", "c")]
    public void Bad_command_lines_are_refused_with_a_message_naming_the_problem(string expected, params string[] args)
    {
        var error = Assert.Throws<CommandLineException>(() => DigitsOptions.Parse(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
