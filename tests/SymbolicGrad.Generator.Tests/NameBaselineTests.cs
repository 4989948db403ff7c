using System.Runtime.CompilerServices;
using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// Models and functions whose names collide with what generated code introduces (issue 8): the output is compared
/// with Baselines/&lt;TestName&gt;.g.cs, must compile without errors or warnings, and its gradient must match finite
/// differences of the user's method.
/// </summary>
public sealed class NameBaselineTests
{
    private static readonly Vec Input = new([0.5f, -1.25f, 2f]);

    [Fact]
    public void FieldsWAndw()
    {
        // Both gradients would be the local dW (CS0128).
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public sealed partial class CaseNet : Model
            {
                readonly Mat W; readonly Vec w;

                public CaseNet()
                {
                    W = Parameters.Matrix(4, 3, Init.Xavier(1));
                    w = Parameters.Vector(4, Init.Normal(0.5f, 2));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int y) => SoftmaxCrossEntropy(W * x + w, y);
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.CaseNet.Loss.g.cs", out string generated);
        // Both gradients go through the parameter store, each named by its own field.
        Assert.Contains("Parameters.AddOuterProducts(W, ", generated);
        Assert.Contains("Parameters.AddColumnSums(w, ", generated);
        ModelGradientCheck.AssertMatches(assembly, "Names.CaseNet", [], "Loss", Input, 2);
    }

    [Fact]
    public void FieldsNamedLikeGeneratedLocals()
    {
        // batch, workspace and sampleWeight are locals of the passes, dW the gradient of W; Parameters.Vector(1) with a
        // penalty is the shared term whose batch sum is written as a constant.
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public sealed partial class Crowded : Model
            {
                readonly Mat W;
                readonly Vec batch, workspace, sampleWeight, dW, r;

                public Crowded()
                {
                    W = Parameters.Matrix(4, 3, Init.Xavier(1));
                    batch = Parameters.Vector(4, Init.Normal(0.5f, 2));
                    workspace = Parameters.Vector(4, Init.Normal(0.5f, 3));
                    sampleWeight = Parameters.Vector(3, Init.Normal(0.5f, 4));
                    dW = Parameters.Vector(4, Init.Normal(0.5f, 5));
                    r = Parameters.Vector(1, Init.Normal(0.5f, 6));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec x, int label)
                    => SoftmaxCrossEntropy(Tanh(W * (x + sampleWeight) + batch) * dW + workspace, label) + 0.01f * Sum(Square(r));
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.Crowded.Loss.g.cs", out string generated);
        Assert.Contains("int batch2 = ", generated);
        Assert.Contains("LossWorkspace workspace2", generated);
        Assert.Contains("float sampleWeight2 = ", generated);
        // Σ over the batch of the penalty's 1/B is 1 exactly: no loop adds 1/B B times.
        Assert.DoesNotContain("+= sampleWeight2", generated);
        ModelGradientCheck.AssertMatches(assembly, "Names.Crowded", [], "Loss", Input, 1);
    }

    [Fact]
    public void ParametersNamedLikeThoseOfGeneratedMethods()
    {
        // workspace is the first parameter of LossForward, accumulateGradient one of ITrainable.BatchLoss (CS0100).
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public sealed partial class Clash : Model
            {
                readonly Mat W; readonly Vec b;

                public Clash()
                {
                    W = Parameters.Matrix(3, 3, Init.Xavier(1));
                    b = Parameters.Vector(3, Init.Normal(0.5f, 2));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec workspace, int accumulateGradient) => SoftmaxCrossEntropy(Tanh(W * workspace) + b, accumulateGradient);
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.Clash.Loss.g.cs", out string generated);
        Assert.Contains("public float LossForward(LossWorkspace workspace2, global::SymbolicGrad.Vec workspace, int accumulateGradient)", generated);
        Assert.Contains("BatchLoss(global::SymbolicGrad.Mat workspace, in global::SymbolicGrad.BatchTargets targets, bool accumulateGradient2)", generated);
        ModelGradientCheck.AssertMatches(assembly, "Names.Clash", [], "Loss", Input, 1);
        // ITrainable works too.
        var model = (ITrainable)Activator.CreateInstance(assembly.Type("Names.Clash"))!;
        var inputs = new Mat(new float[] { 0.5f, -1.25f, 2f, 1f, 0f, -1f }, 2, 3);
        model.Parameters.ZeroGradients();
        float loss = model.BatchLoss(inputs, new BatchTargets(new[] { 1, 2 }), accumulateGradient: true);
        Assert.True(float.IsFinite(loss) && loss > 0);
        Assert.Contains(model.Parameters.Gradients.ToArray(), g => g != 0);
        Assert.InRange(model.CountCorrect(inputs, new BatchTargets(new[] { 1, 2 })), 0, 2);
    }

    [Fact]
    public void NamesThatHideTheModelsMembers()
    {
        // A parameter W hides the field W (read as this.W), a field hides Model.Parameters, and the parameters r, i,
        // targets and locals sum, total, Math take names the generated loops and the ITrainable methods use.
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public sealed partial class Hidden : Model
            {
                readonly Mat W; readonly Vec b;
                new readonly Vec Parameters;

                public Hidden()
                {
                    W = base.Parameters.Matrix(3, 3, Init.Xavier(1));
                    b = base.Parameters.Vector(3, Init.Normal(0.5f, 2));
                    Parameters = base.Parameters.Vector(3, Init.Normal(0.5f, 3));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec W, [NoDiff] Vec targets)
                {
                    Vec sum = Tanh(this.W * W + b);
                    Vec total = sum * Parameters;
                    Vec Math = total - targets;
                    return Dot(Math, Math);
                }
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.Hidden.Loss.g.cs", out string generated);
        Assert.Contains("this.W.Span", generated);
        Assert.Contains("((global::SymbolicGrad.Model)this).Parameters.AddColumnSums(Parameters, ", generated);
        var model = (global::SymbolicGrad.Model)Activator.CreateInstance(assembly.Type("Names.Hidden"))!;
        ModelGradientCheck.AssertMatches(assembly, "Names.Hidden", [], "Loss", Input, new Vec([0.25f, -0.5f, 1f]));
        Assert.Equal(9 + 3 + 3, model.Parameters.Count);
    }

    [Fact]
    public void FunctionOfVectorsWithParametersNamedLikeItsLocals()
    {
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public static partial class Layer
            {
                [Differentiable]
                public static float Loss(Mat W, Vec workspace, [NoDiff] Vec r, int i)
                    => SoftmaxCrossEntropy(Tanh(W * r + workspace), i);
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.Layer.Loss.g.cs", out string generated);
        Assert.Contains("public static float LossGradient(global::SymbolicGrad.Mat W, global::SymbolicGrad.Vec workspace, global::SymbolicGrad.Vec r, int i, global::SymbolicGrad.Mat dW, global::SymbolicGrad.Vec dWorkspace)", generated);
        // The gradient buffers against finite differences of the user's function, one element at a time.
        var type = assembly.Type("Names.Layer");
        var weights = new Mat(new float[] { 0.3f, -0.2f, 0.5f, 0.1f, 0.4f, -0.6f, -0.3f, 0.2f, 0.7f }, 3, 3);
        var bias = new Vec([0.1f, -0.2f, 0.3f]);
        var dWeights = new Mat(new float[9], 3, 3);
        var dBias = new Vec(new float[3]);
        type.GetMethod("LossGradient")!.Invoke(null, [weights, bias, Input, 1, dWeights, dBias]);
        var user = type.GetMethod("Loss")!;
        foreach (var (values, gradient) in new[] { (weights.Span.ToArray(), dWeights.Span.ToArray()), (bias.Span.ToArray(), dBias.Span.ToArray()) })
        {
            bool isWeights = values.Length == 9;
            for (int k = 0; k < values.Length; k++)
            {
                int at = k;
                double Along(double t)
                {
                    var span = isWeights ? weights.Span : bias.Span;
                    float saved = span[at];
                    span[at] = (float)t;
                    double value = (float)user.Invoke(null, [weights, bias, Input, 1])!;
                    span[at] = saved;
                    return value;
                }
                var check = FiniteDifference.Check(Along, values[k], gradient[k], FiniteDifferenceSettings.Single);
                Assert.True(check.Verdict != FiniteDifferenceVerdict.Mismatch, $"{(isWeights ? "dW" : "dWorkspace")}[{k}]: {check}");
            }
        }
    }

    [Fact]
    public void ParametersNamedLikeTheGeneratedMethods()
    {
        // The generated methods call LossBatch and LossForwardBatch, which these parameters hide: this.LossBatch(…).
        const string source = """
            using SymbolicGrad;
            using static SymbolicGrad.Ops;

            namespace Names;

            public sealed partial class Calls : Model
            {
                readonly Mat W; readonly Vec b;

                public Calls()
                {
                    W = Parameters.Matrix(3, 3, Init.Xavier(1));
                    b = Parameters.Vector(3, Init.Normal(0.5f, 2));
                }

                [Differentiable]
                public float Loss([NoDiff] Vec LossBatch, int LossForwardBatch) => SoftmaxCrossEntropy(Tanh(W * LossBatch) + b, LossForwardBatch);
            }
            """;
        var run = GeneratorHarness.Run(source).AssertClean();
        Assert.Empty(run.GeneratorDiagnostics);
        string generated = run.Source("Names.Calls.Loss.g.cs");
        Assert.Contains("this.LossForwardBatch(workspace, LossBatch, LossForwardBatch)", generated);
        Assert.Contains(": this.LossBatch(", generated);
        using var assembly = LoadedAssembly.Emit(run.OutputCompilation);
        ModelGradientCheck.AssertMatches(assembly, "Names.Calls", [], "Loss", Input, 2);
        var model = (ITrainable)Activator.CreateInstance(assembly.Type("Names.Calls"))!;
        var inputs = new Mat(new float[] { 0.5f, -1.25f, 2f, 1f, 0f, -1f }, 2, 3);
        float loss = model.BatchLoss(inputs, new BatchTargets(new[] { 0, 2 }), accumulateGradient: false);
        Assert.True(float.IsFinite(loss) && loss > 0);
    }

    [Fact]
    public void DerivativeOfXLogX()
    {
        // d(x·log x)/dx = log x + x/x, and x/x folds to 1 in derivative code: exact for finite nonzero x, and the limit
        // (−∞) at 0 where the unfolded quotient would give NaN.
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Names;

            public static partial class Entropy
            {
                [Differentiable]
                public static double Term(double x) => x * Math.Log(x);
            }
            """;
        using var assembly = VerifyAndLoad(source, "Names.Entropy.Term.g.cs", out string generated);
        Assert.Contains("dX = logX + 1.0;", generated);
        Assert.DoesNotContain("x / x", generated);
        GeneratedGradientCheck.AssertMatches(assembly, "Names.Entropy", "Term", 0.7);
        GeneratedGradientCheck.AssertMatches(assembly, "Names.Entropy", "Term", 3.5);
        Assert.Equal(double.NegativeInfinity, assembly.InvokeGradient("Names.Entropy", "Term", 0.0)["dX"]);
        Assert.Equal(Math.Log(2.5) + 1, assembly.InvokeGradient("Names.Entropy", "Term", 2.5)["dX"]);
    }

    [Fact]
    public void UserQuotientOfAValueByItselfIsKept()
    {
        // The forward pass computes x / x as written (NaN at 0); the derivative reads that value instead of folding it.
        using var assembly = LoadedAssembly.Emit(GeneratorHarness.Run("""
            using SymbolicGrad;

            namespace Names;

            public static partial class Ratio
            {
                [Differentiable]
                public static double F(double x, double y) => x / x * y;
            }
            """).AssertClean().OutputCompilation);
        Assert.True(double.IsNaN(assembly.InvokeGradient("Names.Ratio", "F", 0.0, 2.0)["dY"]));
        Assert.Equal(1.0, assembly.InvokeGradient("Names.Ratio", "F", 3.0, 2.0)["dY"]);
    }

    private static LoadedAssembly VerifyAndLoad(string source, string hintName, out string generated, [CallerMemberName] string testName = "")
    {
        var run = GeneratorHarness.Run(source).AssertClean();
        Assert.Empty(run.GeneratorDiagnostics);
        generated = run.Source(hintName);
        Baseline.Verify(generated, testName);
        return LoadedAssembly.Emit(run.OutputCompilation);
    }
}
