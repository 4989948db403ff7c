using SymbolicGrad.Network.Tests.Models.Activations;
using SymbolicGrad.Network.Tests.Models.Arithmetic;
using SymbolicGrad.Network.Tests.Models.Composed;
using SymbolicGrad.Network.Tests.Models.CustomLayers;
using SymbolicGrad.Network.Tests.Models.Elements;
using SymbolicGrad.Network.Tests.Models.Helpers;
using SymbolicGrad.Network.Tests.Models.Joins;
using SymbolicGrad.Network.Tests.Models.LayerLoops;
using SymbolicGrad.Network.Tests.Models.Losses;
using SymbolicGrad.Network.Tests.Models.Piecewise;
using SymbolicGrad.Network.Tests.Models.Names;
using SymbolicGrad.Network.Tests.Models.Probabilities;
using SymbolicGrad.Network.Tests.Models.Reductions;
using Contracts = SymbolicGrad.Network.Tests.Contracts;

namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>Every model of the suite with the samples it is checked on.</summary>
public static class NetworkCatalogue
{
    /// <summary>Samples per case: enough for batches of 1, 5 and 17.</summary>
    public const int SampleCount = 17;

    private const int Seed = 7;

    /// <summary>All cases, families in a fixed order.</summary>
    public static IReadOnlyList<CaseFactory> All { get; } =
    [
        Target<ReluNet, ReluNet.LossWorkspace>("activation", () => new ReluNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<LeakyReluNet, LeakyReluNet.LossWorkspace>("activation", () => new LeakyReluNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<SigmoidNet, SigmoidNet.LossWorkspace>("activation", () => new SigmoidNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<TanhNet, TanhNet.LossWorkspace>("activation", () => new TanhNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<ExpNet, ExpNet.LossWorkspace>("activation", () => new ExpNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<LogNet, LogNet.LossWorkspace>("activation", () => new LogNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<SquareNet, SquareNet.LossWorkspace>("activation", () => new SquareNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),

        Target<SumDifferenceNet, SumDifferenceNet.LossWorkspace>("arithmetic", () => new SumDifferenceNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<ProductNet, ProductNet.LossWorkspace>("arithmetic", () => new ProductNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Weighted<ScalarArithmeticNet, ScalarArithmeticNet.LossWorkspace>("arithmetic", () => new ScalarArithmeticNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform) with { HasScale = true }),
        Target<ScalarBroadcastNet, ScalarBroadcastNet.LossWorkspace>("arithmetic", () => new ScalarBroadcastNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),

        Input<SumNet, SumNet.LossWorkspace>("reduction", () => new SumNet(Seed), DataSpec.Inputs(5)),
        Input<MeanNet, MeanNet.LossWorkspace>("reduction", () => new MeanNet(Seed), DataSpec.Inputs(5)),
        Input<DotProductNet, DotProductNet.LossWorkspace>("reduction", () => new DotProductNet(Seed), DataSpec.Inputs(5)),
        Input<AffineSumNet, AffineSumNet.LossWorkspace>("reduction", () => new AffineSumNet(Seed), DataSpec.Inputs(5)),

        Target<SoftmaxNet, SoftmaxNet.LossWorkspace>("softmax", () => new SoftmaxNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<LogSoftmaxNet, LogSoftmaxNet.LossWorkspace>("softmax", () => new LogSoftmaxNet(Seed), DataSpec.Targets(5, 7, DataSpec.Probability)),

        Target<ConcatNet, ConcatNet.LossWorkspace>("concat", () => new ConcatNet(Seed), DataSpec.Targets(5, 5, DataSpec.Uniform)),

        Target<MseNet, MseNet.LossWorkspace>("loss", () => new MseNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        Target<MaeNet, MaeNet.LossWorkspace>("loss", () => new MaeNet(Seed), DataSpec.Targets(5, 7, DataSpec.Far)),
        Target<BinaryCrossEntropyNet, BinaryCrossEntropyNet.LossWorkspace>("loss", () => new BinaryCrossEntropyNet(Seed), DataSpec.Targets(5, 7, DataSpec.Probability)),
        Label<SoftmaxCrossEntropyNet, SoftmaxCrossEntropyNet.LossWorkspace>("loss", () => new SoftmaxCrossEntropyNet(Seed), DataSpec.Labels(5, 3)),

        Label<DigitNet, DigitNet.LossWorkspace>("composed", () => new DigitNet(5, 7, 3, Seed), DataSpec.Labels(5, 3)),

        // Wide enough for the kernels' vector paths and blocking (8-float vectors, tails on every dimension).
        Label<DigitNet, DigitNet.LossWorkspace>("composed", () => new DigitNet(37, 20, 10, Seed), DataSpec.Labels(37, 10), "DigitNet(37-20-10)"),
        Label<TwoHiddenLayerNet, TwoHiddenLayerNet.LossWorkspace>("composed", () => new TwoHiddenLayerNet(Seed), DataSpec.Labels(5, 3)),
        Label<ThreeHiddenLayerNet, ThreeHiddenLayerNet.LossWorkspace>("composed", () => new ThreeHiddenLayerNet(Seed), DataSpec.Labels(5, 3)),
        Label<ResidualNet, ResidualNet.LossWorkspace>("composed", () => new ResidualNet(Seed), DataSpec.Labels(5, 3)),
        Target<TiedWeightsNet, TiedWeightsNet.LossWorkspace>("composed", () => new TiedWeightsNet(Seed), DataSpec.Targets(5, 3, DataSpec.Uniform)),
        Label<DenseConnectionNet, DenseConnectionNet.LossWorkspace>("composed", () => new DenseConnectionNet(Seed), DataSpec.Labels(5, 3)),
        Target<LectureSigmoidMseNet, LectureSigmoidMseNet.LossWorkspace>("composed", () => new LectureSigmoidMseNet(Seed), DataSpec.Targets(5, 3, DataSpec.Probability)),
        Target<LectureSigmoidBinaryCrossEntropyNet, LectureSigmoidBinaryCrossEntropyNet.LossWorkspace>("composed", () => new LectureSigmoidBinaryCrossEntropyNet(Seed), DataSpec.Targets(5, 3, DataSpec.Probability)),
        Target<WeightDecayNet, WeightDecayNet.LossWorkspace>("composed", () => new WeightDecayNet(Seed), DataSpec.Targets(5, 3, DataSpec.Uniform)),

        Label<LayerHelperNet, LayerHelperNet.LossWorkspace>("helper", () => new LayerHelperNet(Seed), DataSpec.Labels(5, 3)),
        Label<ElementNet, ElementNet.LossWorkspace>("element", () => new ElementNet(Seed), DataSpec.Labels(5, 3)),
        Target<PiecewiseScalarNet, PiecewiseScalarNet.LossWorkspace>("piecewise", () => new PiecewiseScalarNet(Seed), DataSpec.Targets(5, 7, DataSpec.Uniform)),
        // Loops over layers (issue 9): 2, 3 and 4 layers, the counter's condition, residual layers after a stem.
        Label<LayerLoopNet, LayerLoopNet.LossWorkspace>("layer loop", () => new LayerLoopNet([5, 3], Seed), DataSpec.Labels(5, 3), "LayerLoopNet(5-3)"),
        Label<LayerLoopNet, LayerLoopNet.LossWorkspace>("layer loop", () => new LayerLoopNet([5, 7, 3], Seed), DataSpec.Labels(5, 3), "LayerLoopNet(5-7-3)"),
        Label<LayerLoopNet, LayerLoopNet.LossWorkspace>("layer loop", () => new LayerLoopNet([5, 7, 6, 3], Seed), DataSpec.Labels(5, 3), "LayerLoopNet(5-7-6-3)"),
        Label<LayerLoopNet, LayerLoopNet.LossWorkspace>("layer loop", () => new LayerLoopNet([5, 7, 6, 5, 3], Seed), DataSpec.Labels(5, 3), "LayerLoopNet(5-7-6-5-3)"),
        // Wide enough for the kernels' vector paths and blocking, as DigitNet(37-20-10).
        Label<LayerLoopNet, LayerLoopNet.LossWorkspace>("layer loop", () => new LayerLoopNet([37, 20, 10], Seed), DataSpec.Labels(37, 10), "LayerLoopNet(37-20-10)"),
        Label<UnrolledLayerNet, UnrolledLayerNet.LossWorkspace>("layer loop", () => new UnrolledLayerNet(Seed), DataSpec.Labels(5, 3)),
        // Two conditions on the counter: the layer specialized on one, the other a select.
        Label<AlternatingLoopNet, AlternatingLoopNet.LossWorkspace>("layer loop", () => new AlternatingLoopNet([5, 7, 6, 5, 3], Seed), DataSpec.Labels(5, 3), "AlternatingLoopNet(5-7-6-5-3)"),
        Label<AlternatingLoopNet, AlternatingLoopNet.LossWorkspace>("layer loop", () => new AlternatingLoopNet([5, 3], Seed), DataSpec.Labels(5, 3), "AlternatingLoopNet(5-3)"),
        Label<StemAndLoopNet, StemAndLoopNet.LossWorkspace>("layer loop", () => new StemAndLoopNet(3, Seed), DataSpec.Labels(5, 3), "StemAndLoopNet(3)"),
        Label<StemAndLoopNet, StemAndLoopNet.LossWorkspace>("layer loop", () => new StemAndLoopNet(1, Seed), DataSpec.Labels(5, 3), "StemAndLoopNet(1)"),
        Label<BiasLoopNet, BiasLoopNet.LossWorkspace>("layer loop", () => new BiasLoopNet(2, Seed), DataSpec.Labels(5, 3), "BiasLoopNet(2)"),
        // Custom layers (issue 10): a function returning a Vec with a pullback rule, element-wise and with weights.
        Label<SwishNet, SwishNet.LossWorkspace>("custom layer", () => new SwishNet(Seed), DataSpec.Labels(5, 3)),
        Label<DenseNet, DenseNet.LossWorkspace>("custom layer", () => new DenseNet(Seed), DataSpec.Labels(4, 3)),
        Label<SmoothPenaltyNet, SmoothPenaltyNet.LossWorkspace>("custom layer", () => new SmoothPenaltyNet(Seed), DataSpec.Labels(5, 3)),
        // Names that collide with those of the generated code (issue 8).
        Label<CaseNet, CaseNet.LossWorkspace>("names", () => new CaseNet(Seed), DataSpec.Labels(5, 3)),
        Label<CrowdedNet, CrowdedNet.LossWorkspace>("names", () => new CrowdedNet(Seed), DataSpec.Labels(5, 4)),
        Target<ClashNet, ClashNet.LossWorkspace>("names", () => new ClashNet(Seed), DataSpec.Targets(5, 3, DataSpec.Uniform)),
    ];

    /// <summary>Theory data: the name of every case.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (CaseFactory factory in All)
            {
                data.Add(factory.Name);
            }

            return data;
        }
    }

    /// <summary>A fresh case called <paramref name="name"/>, its samples laid out as <paramref name="layout"/>.</summary>
    public static NetworkCase Create(string name, DataLayout layout = DataLayout.Copies) =>
        (All.SingleOrDefault(f => f.Name == name) ?? throw new ArgumentException($"No network case named '{name}'.", nameof(name)))
            .Create(layout);

    private static SampleData Samples(DataSpec spec, DataLayout layout) => new(spec, SampleCount, Seed, layout);

    private static CaseFactory Label<TModel, TWorkspace>(string family, Func<TModel> model, DataSpec spec, string? name = null)
        where TModel : Model, Contracts.ILabelLoss<TWorkspace>
        where TWorkspace : class, new() =>
        new(name ?? typeof(TModel).Name, family, layout => new LabelCase<TModel, TWorkspace>(name ?? typeof(TModel).Name, family, model(), Samples(spec, layout)));

    private static CaseFactory Target<TModel, TWorkspace>(string family, Func<TModel> model, DataSpec spec, string? name = null)
        where TModel : Model, Contracts.ITargetLoss<TWorkspace>
        where TWorkspace : class, new() =>
        new(name ?? typeof(TModel).Name, family, layout => new TargetCase<TModel, TWorkspace>(name ?? typeof(TModel).Name, family, model(), Samples(spec, layout)));

    private static CaseFactory Weighted<TModel, TWorkspace>(string family, Func<TModel> model, DataSpec spec, string? name = null)
        where TModel : Model, Contracts.IWeightedLoss<TWorkspace>
        where TWorkspace : class, new() =>
        new(name ?? typeof(TModel).Name, family, layout => new WeightedCase<TModel, TWorkspace>(name ?? typeof(TModel).Name, family, model(), Samples(spec, layout)));

    private static CaseFactory Input<TModel, TWorkspace>(string family, Func<TModel> model, DataSpec spec, string? name = null)
        where TModel : Model, Contracts.IInputLoss<TWorkspace>
        where TWorkspace : class, new() =>
        new(name ?? typeof(TModel).Name, family, layout => new InputCase<TModel, TWorkspace>(name ?? typeof(TModel).Name, family, model(), Samples(spec, layout)));
}
