using SymbolicGrad.Generator.Tests.Infrastructure;

namespace SymbolicGrad.Generator.Tests;

/// <summary>
/// The emitted text of representative methods, compared with Baselines/&lt;TestName&gt;.g.cs; each output must also
/// compile without errors and its gradient must match finite differences.
/// </summary>
public sealed class BaselineTests
{
    [Fact]
    public void SumTimesProduct()
    {
        const string source = """
            using SymbolicGrad;

            namespace Lectures;

            public static partial class Outer
            {
                public partial struct Circuit
                {
                    [Differentiable]
                    public static double F(double x, double y, double z) => (x + y) * z;
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.Outer.Circuit.F.g.cs");
        var gradient = assembly.InvokeGradient("Lectures.Outer+Circuit", "F", -2.0, 5.0, -4.0);
        // The lectures' circuit: f = (x + y)·z at (−2, 5, −4) is −12 with gradient exactly (−4, −4, 3).
        Assert.Equal(-12.0, gradient.Value);
        Assert.Equal([-4.0, -4.0, 3.0], gradient.Values);
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Outer+Circuit", "F", 0.3, -1.7, 2.5);
    }

    [Fact]
    public void SigmoidNeuron()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Lectures;

            public static partial class Neuron
            {
                [Differentiable]
                public static double Fire(double w0, double w1, double b, [NoDiff] double x0, [NoDiff] double x1)
                    => 1.0 / (1.0 + Math.Exp(-(w0 * x0 + w1 * x1 + b)));
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.Neuron.Fire.g.cs");
        // The lectures' neuron: w = (2, −3), b = −3, x = (−1, −2) gives σ(1) and ∂/∂w0 = x0·σ(1)(1 − σ(1)).
        var result = GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Neuron", "Fire", 2.0, -3.0, -3.0, -1.0, -2.0);
        var s = 1.0 / (1.0 + Math.Exp(-1.0));
        Assert.Equal(s, result.Value, 1e-15);
        Assert.Equal(-s * (1 - s), result.Partials[0].Check.Analytic, 1e-15);
        Assert.Equal(s * (1 - s), result.Partials[2].Check.Analytic, 1e-15);
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Neuron", "Fire", 0.4, 0.1, -0.2, 1.5, -0.5);
    }

    [Fact]
    public void GaborModel()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Lectures;

            public static partial class Gabor
            {
                [Differentiable]
                public static double Predict([NoDiff] double x, double phi0, double phi1)
                {
                    double z = phi0 + 0.06 * phi1 * x;
                    return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.Gabor.Predict.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Gabor", "Predict", 3.0, 0.5, 1.5);
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Gabor", "Predict", -7.5, -1.2, 12.0);
    }

    [Fact]
    public void ThreeLayerNetLoss()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Lectures;

            public static partial class ShallowNet
            {
                [Differentiable]
                public static double Sigmoid(double a) => 1.0 / (1.0 + Math.Exp(-a));

                [Differentiable]
                public static double Loss([NoDiff] double x, [NoDiff] double y,
                    double w1, double b1, double w2, double b2, double w3, double b3)
                {
                    double h1 = Sigmoid(w1 * x + b1);
                    double h2 = Sigmoid(w2 * h1 + b2);
                    double h = w3 * h2 + b3;
                    return 0.5 * (h - y) * (h - y);
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.ShallowNet.Loss.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.ShallowNet", "Loss", 0.7, 1.3, 0.5, -0.1, -1.2, 0.3, 2.0, 0.25);
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.ShallowNet", "Loss", -1.5, -0.4, 1.1, 0.2, 0.8, -0.6, -0.9, 0.05);
    }

    [Fact]
    public void BinaryCrossEntropy()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Lectures;

            public static partial class Classifier
            {
                [Differentiable]
                public static double BinaryCrossEntropy(double w, double b, [NoDiff] double x, [NoDiff] double y)
                {
                    double p = 1.0 / (1.0 + Math.Exp(-(w * x + b)));
                    return -(y * Math.Log(p) + (1.0 - y) * Math.Log(1.0 - p));
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Lectures.Classifier.BinaryCrossEntropy.g.cs");
        // ∂L/∂w = (p − y)·x and ∂L/∂b = p − y for the logistic model.
        var result = GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Classifier", "BinaryCrossEntropy", 0.8, -0.3, 1.5, 1.0);
        var p = 1.0 / (1.0 + Math.Exp(-(0.8 * 1.5 - 0.3)));
        Assert.Equal((p - 1.0) * 1.5, result.Partials[0].Check.Analytic, 1e-14);
        Assert.Equal(p - 1.0, result.Partials[1].Check.Analytic, 1e-14);
        GeneratedGradientCheck.AssertMatches(assembly, "Lectures.Classifier", "BinaryCrossEntropy", -0.4, 0.9, 2.0, 0.0);
    }

    [Fact]
    public void BlockWithReassignment()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Shapes;

            public static partial class Blocks
            {
                [Differentiable]
                public static double Accumulate(double a, double b)
                {
                    double s = a * b;
                    s += Math.Sin(a);
                    s *= b;
                    s -= a / b;
                    double t = s;
                    t /= 2.0;
                    a = a * a;
                    return t + a;
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Shapes.Blocks.Accumulate.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Blocks", "Accumulate", 0.9, 1.7);
        GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Blocks", "Accumulate", -2.1, -0.6);
    }

    [Fact]
    public void IfElseWithSeveralReturns()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Shapes;

            public static partial class Branches
            {
                [Differentiable]
                public static double Piecewise(double x, double y)
                {
                    if (x > 1.0)
                        return x * y;
                    else if (x < -1.0 && y > 0.0)
                    {
                        double q = x * x;
                        return q - y;
                    }
                    if (!(y >= 2.0) || x == 0.5)
                        return Math.Exp(x) + y;
                    return y / x;
                }
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Shapes.Branches.Piecewise.g.cs");
        // One point per branch.
        foreach (var (x, y) in new[] { (1.5, 2.0), (-1.5, 0.5), (0.2, 1.0), (0.7, 3.0), (-1.5, -0.5) })
            GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Branches", "Piecewise", x, y);
    }

    [Fact]
    public void ConditionalWithMaxMinAbs()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Shapes;

            public static partial class Kinks
            {
                [Differentiable]
                public static double Clamped(double x, double y)
                    => x > y ? Math.Max(x, 0.0) * Math.Abs(y) : Math.Min(x * y, 1.0) - Math.Abs(x);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Shapes.Kinks.Clamped.g.cs");
        foreach (var (x, y) in new[] { (1.5, -0.5), (1.5, 0.5), (-0.5, -1.5), (0.2, 0.7), (2.0, 3.0), (-1.0, -2.5) })
            GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Kinks", "Clamped", x, y);
    }

    [Fact]
    public void FloatWithMathF()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            public static partial class SinglePrecision
            {
                [Differentiable]
                public static float Softplus(float x, float w)
                    => MathF.Log(1f + MathF.Exp(w * x)) + (float)Math.Sqrt((double)(x * x) + 1.0) * MathF.Tanh(w);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "SinglePrecision.Softplus.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "SinglePrecision", "Softplus", 0.5f, -1.25f);
        GeneratedGradientCheck.AssertMatches(assembly, "SinglePrecision", "Softplus", -2.0f, 0.75f);
    }

    [Fact]
    public void CallToDifferentiableMethodInAnotherClass()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Layers;

            public static partial class Activations
            {
                [Differentiable]
                public static double Softplus(double z) => Math.Log(1.0 + Math.Exp(z));
            }

            public static partial class Model
            {
                [Differentiable]
                public static double Predict([NoDiff] double x, double w, double b)
                    => Activations.Softplus(w * x + b) * w + Activations.Softplus(b);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Layers.Model.Predict.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Layers.Model", "Predict", 1.3, 0.4, -0.7);
        GeneratedGradientCheck.AssertMatches(assembly, "Layers.Activations", "Softplus", 0.6);
    }

    [Fact]
    public void PowWithConstantAndVariableExponent()
    {
        const string source = """
            using System;
            using SymbolicGrad;

            namespace Shapes;

            public static partial class Powers
            {
                [Differentiable]
                public static double Pow(double x, double y)
                    => Math.Pow(x, 3) + Math.Pow(x, 0.5) * y + Math.Pow(y, x) + Math.Pow(2.0, y);
            }
            """;
        using var assembly = Baseline.VerifyAndLoad(source, "Shapes.Powers.Pow.g.cs");
        GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Powers", "Pow", 1.3, 0.4);
        GeneratedGradientCheck.AssertMatches(assembly, "Shapes.Powers", "Pow", 0.25, 2.5);
    }
}
