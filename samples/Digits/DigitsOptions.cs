using System.Globalization;

namespace SymbolicGrad.Samples.Digits;

/// <summary>The sample's settings, read from the command line; the defaults are the issue's recipe.</summary>
public sealed record DigitsOptions
{
    /// <summary>The largest hidden layer <c>--hidden</c> accepts (a 784 × 16,384 matrix is already 51 MB).</summary>
    public const int MaxHidden = 16384;

    /// <summary>The most hidden layers <c>--hidden</c> accepts.</summary>
    public const int MaxHiddenLayers = 16;

    /// <summary>The default momentum coefficient β.</summary>
    public const float DefaultMomentum = 0.9f;

    /// <summary>The largest shift in pixels of <c>--augment</c>.</summary>
    public const int MaxShift = 2;

    /// <summary>Trials of successive halving without <c>--trials</c>: 27 → 9 → 1 with a reduction factor of 3.</summary>
    public const int DefaultHalvingTrials = 27;

    /// <summary>Trials of random search without <c>--trials</c>.</summary>
    public const int DefaultRandomTrials = 10;

    /// <summary>The command-line help.</summary>
    public const string Usage =
        """
        usage: Digits [options]

        Trains a 784-hidden-10 perceptron (or one with several hidden layers) on handwritten digits and prints
        the test accuracy last.
        Without --data it uses the 5,000 training and 1,000 test digits embedded in the program.

        options:
          --data DIR          read train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
                              and t10k-labels-idx1-ubyte (each optionally .gz) from DIR
          --epochs N          epochs to train (default 10); with --resume, N more after the checkpoint's
                              (0 only evaluates the checkpoint)
          --hidden N[,N...]   hidden units per hidden layer (default 128, each at most 16384); several numbers
                              (--hidden 256,128, at most 16 layers) train a model written as a loop over its layers
          --model NAME        mlp (the perceptron, default) or cnn (LeNet-style: two 5×5 convolutions with max
                              pooling, then a dense hidden layer)
          --dropout P         with --model cnn: drop each hidden unit with probability P in [0, 1) in training
          --batchnorm         with --model cnn: batch normalization after each convolution and the hidden layer
          --batch N           examples per minibatch (default 64)
          --optimizer NAME    sgd, momentum, nesterov, rmsprop, adam or adamw (default momentum)
          --lr R              learning rate (default 0.05 for momentum and nesterov, 0.1 for sgd, 0.001 otherwise;
                              sgd, momentum and nesterov scale theirs by N/64 for a --batch N below 64)
          --momentum B        momentum coefficient in [0, 1) for momentum and nesterov (default 0.9)
          --seed N            seed of the initial weights and of the shuffling (default 0)
          --threads N         threads for the matrix kernels, 1 to 256 (default: every core); the result
                              does not depend on it
          --checkpoint PATH   save the model and optimizer state to PATH after every epoch (checked before
                              training: the folder must exist and be writable)
          --resume            continue from the checkpoint at PATH (needs --checkpoint): its weights, optimizer
                              state and epoch count; --hidden and --optimizer must match it, and the learning
                              rate and momentum are this command line's
          --plot PATH         write the learning curves to PATH (.png or .svg) and a .csv next to it;
                              also measures the training accuracy (one more forward pass per batch);
                              with --search, the search's picture and its results table as .csv
          --augment           shift every training image by up to 2 pixels each way, anew each epoch
                              (seeded by --seed); validation and test images are never shifted
          --pca K             train on the first K principal components of the pixels (1 to 784), fitted
                              on the training images and applied to the test images; not with --augment
          --search STRATEGY   grid, random or halving: search the learning rate (log-uniform around the
                              optimizer's default), batch size (32, 64, 128) and hidden units (64, 128, 256)
                              — those not fixed by --lr, --batch or --hidden — on 20% of the training
                              images held out for validation (never the test images), each trial with
                              early stopping (patience 2, at most --epochs epochs); print the ranked
                              table, retrain the best on all training images and test it
          --trials N          trials of the search (default: the whole 27-point grid; 10 for random;
                              27 for halving, a third of which continue at each rung with 3× the
                              epochs, up to --epochs); a grid of more points runs N of them at random
          --graph PATH        write DigitNet's forward and backward graph to PATH (.md, a Mermaid diagram)
          --export PATH       after training, write the trained network's logits as an ONNX model to PATH
                              (.onnx), to serve with ONNX Runtime (checked before training, as --checkpoint)
          --timings           when the run ends, print to the error stream where the process's time went:
                              wall, CPU and JIT time of starting, reading the data, building the model,
                              training and evaluating
          --help, -h          show this help

        Options take their value as the next argument or after '=' (--epochs=5).
        """;

    /// <summary>Folder of the four MNIST files, or null for the embedded digits.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Epochs to train; with <see cref="Resume"/>, epochs to train after the checkpoint's (0 only evaluates it).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Hidden units of each hidden layer: one layer is today's <see cref="DigitNet"/>, more a <see cref="LayeredDigitNet"/>.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = DefaultHidden;

    // One instance, so that default options compare equal.
    private static readonly IReadOnlyList<int> DefaultHidden = [128];

    /// <summary>The network: the perceptron or the convolutional net.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mlp;

    /// <summary>The dropout probability of the convolutional net's hidden layer (0: none).</summary>
    public float Dropout { get; init; }

    /// <summary>Whether the convolutional net normalizes its batches (<see cref="DigitCnnBatchNorm"/>).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Examples per minibatch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Momentum;

    /// <summary>The learning rate given with <c>--lr</c>, or null for the optimizer's default.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The momentum coefficient given with <c>--momentum</c>, or null for <see cref="DefaultMomentum"/>.</summary>
    public float? Momentum { get; init; }

    /// <summary>Seed of the initial weights and of the minibatch shuffle.</summary>
    public int Seed { get; init; }

    /// <summary>Threads the kernels may use (<see cref="Parallelism.MaxThreads"/>), or null for every core.</summary>
    public int? Threads { get; init; }

    /// <summary>Where to save checkpoints, or null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Whether to continue from the checkpoint at <see cref="CheckpointPath"/>: its weights, optimizer state and epoch
    /// count E are loaded, and <see cref="Epochs"/> N more epochs (E + 1 … E + N) follow, as an uninterrupted run of
    /// E + N epochs with the same seed would.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Where to draw the learning curves (.png or .svg), or null.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Whether to shift the training images at random each epoch (<see cref="RandomShift"/>, up to <see cref="MaxShift"/> pixels).</summary>
    public bool Augment { get; init; }

    /// <summary>Principal components to train on (<c>--pca K</c>), or null for the raw pixels.</summary>
    public int? PcaComponents { get; init; }

    /// <summary>The hyper-parameter search to run (<c>--search</c>), or null to train once with the given settings.</summary>
    public SearchStrategy? Search { get; init; }

    /// <summary>Trials of the search given with <c>--trials</c>, or null for the strategy's default (<see cref="DefaultTrials"/>).</summary>
    public int? Trials { get; init; }

    /// <summary>The options the command line gave (e.g. <c>--hidden</c>): a search leaves those fixed.</summary>
    public IReadOnlySet<string> GivenOptions { get; init; } = System.Collections.Frozen.FrozenSet<string>.Empty;

    /// <summary>Where to write DigitNet's graph (a Markdown file with a Mermaid diagram), or null.</summary>
    public string? GraphPath { get; init; }

    /// <summary>Where to export the trained network as an ONNX model (.onnx), or null.</summary>
    public string? ExportPath { get; init; }

    /// <summary>Whether to print the time of each phase of the run to the error stream at its end (<c>--timings</c>).</summary>
    public bool Timings { get; init; }

    /// <summary>Whether <c>--help</c> was asked for (then nothing else was read).</summary>
    public bool ShowHelp { get; init; }

    /// <summary>The learning rate to train with: <c>--lr</c>, or the optimizer's default for the batch size.</summary>
    public float EffectiveLearningRate => LearningRate ?? OptimizerChoice.DefaultLearningRate(Optimizer, BatchSize);

    /// <summary>The momentum coefficient to train with.</summary>
    public float EffectiveMomentum => Momentum ?? DefaultMomentum;

    /// <summary>The learning-curve CSV written next to the plot, or null without <c>--plot</c>.</summary>
    public string? CsvPath => PlotPath is null ? null : Path.ChangeExtension(PlotPath, ".csv");

    /// <summary>The search's trials when <c>--trials</c> is not given: null (the whole grid) for grid search.</summary>
    public int? DefaultTrials => Search switch
    {
        SearchStrategy.Random => DefaultRandomTrials,
        SearchStrategy.SuccessiveHalving => DefaultHalvingTrials,
        _ => null,
    };

    /// <summary>A new optimizer as the options describe it.</summary>
    public Optimizer CreateOptimizer() => OptimizerChoice.Create(Optimizer, EffectiveLearningRate, EffectiveMomentum);

    /// <summary>
    /// Reads the command line. Options are <c>--name value</c> or <c>--name=value</c>, each at most once;
    /// <c>--help</c> or <c>-h</c> anywhere asks for help and nothing else is checked.
    /// </summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <exception cref="CommandLineException">An argument is unknown, repeated, missing its value, malformed or out of range, or options contradict each other.</exception>
    public static DigitsOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a is "--help" or "-h"))
        {
            return new DigitsOptions { ShowHelp = true };
        }

        var options = new DigitsOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new CommandLineException($"unexpected argument '{arg}': options start with --.");
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            string? inline = equals < 0 ? null : arg[(equals + 1)..];
            if (!IsKnown(name))
            {
                throw new CommandLineException($"unknown option '{name}'.");
            }

            if (!seen.Add(name))
            {
                throw new CommandLineException($"{name} is given more than once.");
            }

            if (IsFlag(name))
            {
                if (inline is not null)
                {
                    throw new CommandLineException($"{name} takes no value.");
                }

                options = ApplyFlag(options, name);
                continue;
            }

            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new CommandLineException($"{name} needs a value.");
            }

            options = Apply(options, name, value);
        }

        return CheckCombination(options with { GivenOptions = seen }, seen);
    }

    private static bool IsKnown(string name) => name is "--data" or "--epochs" or "--hidden" or "--batch" or "--lr"
        or "--momentum" or "--optimizer" or "--seed" or "--threads" or "--checkpoint" or "--resume" or "--plot"
        or "--augment" or "--pca" or "--search" or "--trials" or "--graph" or "--export"
        or "--model" or "--dropout" or "--batchnorm" or "--timings";

    private static bool IsFlag(string name) => name is "--resume" or "--augment" or "--batchnorm" or "--timings";

    private static DigitsOptions ApplyFlag(DigitsOptions options, string name) => name switch
    {
        "--resume" => options with { Resume = true },
        "--augment" => options with { Augment = true },
        "--batchnorm" => options with { BatchNorm = true },
        "--timings" => options with { Timings = true },
        _ => throw new CommandLineException($"unknown option '{name}'."),
    };

    private static DigitsOptions Apply(DigitsOptions options, string name, string value) => name switch
    {
        "--data" => options with { DataDirectory = NonEmpty(name, value) },
        "--epochs" => options with { Epochs = Integer(name, value, min: 0, max: int.MaxValue) },
        "--hidden" => options with { Hidden = HiddenLayers(name, value) },
        "--batch" => options with { BatchSize = Integer(name, value, min: 1, max: int.MaxValue) },
        "--lr" => options with { LearningRate = LearningRateValue(name, value) },
        "--momentum" => options with { Momentum = MomentumValue(name, value) },
        "--optimizer" => options with { Optimizer = OptimizerValue(name, value) },
        "--seed" => options with { Seed = Integer(name, value, min: int.MinValue, max: int.MaxValue) },
        "--threads" => options with { Threads = Integer(name, value, min: 1, max: Parallelism.Limit) },
        "--checkpoint" => options with { CheckpointPath = NonEmpty(name, value) },
        "--plot" => options with { PlotPath = PlotFile(name, value) },
        "--pca" => options with { PcaComponents = Integer(name, value, min: 1, max: int.MaxValue) },
        "--search" => options with { Search = SearchValue(name, value) },
        "--trials" => options with { Trials = Integer(name, value, min: 1, max: 100_000) },
        "--graph" => options with { GraphPath = MarkdownFile(name, value) },
        "--export" => options with { ExportPath = OnnxFile(name, value) },
        "--model" => options with { Model = ModelValue(name, value) },
        "--dropout" => options with { Dropout = DropoutValue(name, value) },
        _ => throw new CommandLineException($"unknown option '{name}'."),
    };

    private static DigitsOptions CheckCombination(DigitsOptions options, HashSet<string> seen)
    {
        if (options.Resume && options.CheckpointPath is null)
        {
            throw new CommandLineException("--resume needs --checkpoint PATH: the checkpoint to start from.");
        }

        if (options.Epochs == 0 && !options.Resume)
        {
            throw new CommandLineException("--epochs must be at least 1 (0 is allowed only with --resume, to evaluate a checkpoint).");
        }

        if (options.Model != ModelKind.Cnn && (seen.Contains("--dropout") || seen.Contains("--batchnorm")))
        {
            throw new CommandLineException("--dropout and --batchnorm apply to --model cnn.");
        }

        if (options.Model == ModelKind.Cnn && options.Hidden.Count != 1)
        {
            throw new CommandLineException("--model cnn has one dense hidden layer: give --hidden one number.");
        }

        if (options.Model == ModelKind.Cnn && options.PcaComponents is not null)
        {
            throw new CommandLineException("--model cnn convolves the image, which --pca replaces by components: use one or the other.");
        }

        if (seen.Contains("--momentum") && !OptimizerChoice.UsesMomentum(options.Optimizer))
        {
            throw new CommandLineException(
                $"--momentum applies to the momentum and nesterov optimizers, not to {OptimizerChoice.Name(options.Optimizer)}.");
        }

        if (options.Trials is not null && options.Search is null)
        {
            throw new CommandLineException("--trials needs --search grid|random|halving.");
        }

        if (options.Search is not null && options.Resume)
        {
            throw new CommandLineException("--search trains new models; it cannot --resume a checkpoint.");
        }

        if (options.Augment && options.PcaComponents is not null)
        {
            throw new CommandLineException("--augment shifts the pixels, which --pca replaces by components: use one or the other.");
        }

        return options;
    }

    private static SearchStrategy SearchValue(string name, string value) => value switch
    {
        "grid" => SearchStrategy.Grid,
        "random" => SearchStrategy.Random,
        "halving" => SearchStrategy.SuccessiveHalving,
        _ => throw new CommandLineException($"{name} must be grid, random or halving; got '{value}'."),
    };

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new CommandLineException($"{name} needs a non-empty value.") : value;

    private static int Integer(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int result))
        {
            throw new CommandLineException($"{name} expects a whole number, got '{value}'.");
        }

        if (result < min || result > max)
        {
            string range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            throw new CommandLineException($"{name} must be {range}, got {result}.");
        }

        return result;
    }

    private static int[] HiddenLayers(string name, string value)
    {
        string[] parts = value.Split(',');
        if (parts.Length > MaxHiddenLayers)
        {
            throw new CommandLineException($"{name} takes at most {MaxHiddenLayers} hidden layers, got {parts.Length}.");
        }

        if (parts.Length > 1 && parts.Any(p => p.Trim().Length == 0))
        {
            throw new CommandLineException($"{name} expects whole numbers separated by commas (256,128), got '{value}'.");
        }

        return parts.Select(p => Integer(name, p.Trim(), min: 1, max: MaxHidden)).ToArray();
    }

    private static float Number(string name, string value)
    {
        if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float result) || !float.IsFinite(result))
        {
            throw new CommandLineException($"{name} expects a finite number, got '{value}'.");
        }

        return result;
    }

    private static float LearningRateValue(string name, string value)
    {
        float rate = Number(name, value);
        return rate > 0 ? rate : throw new CommandLineException($"{name} must be positive, got {value}.");
    }

    private static float MomentumValue(string name, string value)
    {
        float beta = Number(name, value);
        return beta is >= 0 and < 1 ? beta : throw new CommandLineException($"{name} must be in [0, 1), got {value}.");
    }

    private static ModelKind ModelValue(string name, string value) => value switch
    {
        "mlp" => ModelKind.Mlp,
        "cnn" => ModelKind.Cnn,
        _ => throw new CommandLineException($"{name} must be mlp or cnn; got '{value}'."),
    };

    private static float DropoutValue(string name, string value)
    {
        float p = Number(name, value);
        return p is >= 0 and < 1 ? p : throw new CommandLineException($"{name} must be in [0, 1), got {value}.");
    }

    private static OptimizerKind OptimizerValue(string name, string value) =>
        OptimizerChoice.FromName(value)
        ?? throw new CommandLineException($"{name} must be one of {string.Join(", ", OptimizerChoice.Names)}; got '{value}'.");

    private static string MarkdownFile(string name, string value)
    {
        NonEmpty(name, value);
        return Path.GetExtension(value).Equals(".md", StringComparison.OrdinalIgnoreCase)
            ? value
            : throw new CommandLineException($"{name} needs a .md file name, got '{value}'.");
    }

    private static string OnnxFile(string name, string value)
    {
        NonEmpty(name, value);
        return Path.GetExtension(value).Equals(".onnx", StringComparison.OrdinalIgnoreCase)
            ? value
            : throw new CommandLineException($"{name} needs a .onnx file name, got '{value}'.");
    }

    private static string PlotFile(string name, string value)
    {
        NonEmpty(name, value);
        string extension = Path.GetExtension(value).ToLowerInvariant();
        return extension is ".png" or ".svg"
            ? value
            : throw new CommandLineException($"{name} needs a .png or .svg file name, got '{value}'.");
    }
}
