using SymbolicGrad.Tests.Checking;
using SymbolicGrad.Tests.Functions;
using static SymbolicGrad.Tests.Checking.GradientCase;

namespace SymbolicGrad.Tests.Cases;

/// <summary>Finite-difference cases for <see cref="Lectures"/>.</summary>
public static class LectureCases
{
    /// <summary>Every case of the theme.</summary>
    public static IReadOnlyList<GradientCase> All { get; } =
    [
        All("Lectures.AddMultiply",
            p => Lectures.AddMultiply(p[0], p[1], p[2]),
            (p, g) => Lectures.AddMultiplyGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]),
            [-2.0, 5.0, -4.0], [1.0, 2.0, 3.0], [0.5, -1.5, 2.0]),
        All("Lectures.Sigmoid",
            p => Lectures.Sigmoid(p[0]),
            (p, g) => Lectures.SigmoidGradient(p[0], out g[0]),
            [0.0], [-3.0], [2.5]),
        All("Lectures.Neuron",
            p => Lectures.Neuron(p[0], p[1], p[2], p[3], p[4]),
            (p, g) => Lectures.NeuronGradient(p[0], p[1], p[2], p[3], p[4], out g[0], out g[1], out g[2], out g[3], out g[4]),
            [2.0, -1.0, -3.0, -2.0, -3.0], [0.5, 1.0, -0.2, 2.0, 0.1], [-1.0, 0.3, 0.7, -2.0, 0.5]),
        All("Lectures.NeuronCircuit",
            p => Lectures.NeuronCircuit(p[0], p[1], p[2], p[3], p[4]),
            (p, g) => Lectures.NeuronCircuitGradient(p[0], p[1], p[2], p[3], p[4], out g[0], out g[1], out g[2], out g[3], out g[4]),
            [2.0, -1.0, -3.0, -2.0, -3.0], [0.5, 1.0, -0.2, 2.0, 0.1], [-1.0, 0.3, 0.7, -2.0, 0.5]),
        Some("Lectures.Gabor", [1, 2],
            p => Lectures.Gabor(p[0], p[1], p[2]),
            (p, g) => Lectures.GaborGradient(p[0], p[1], p[2], out g[0], out g[1]),
            [3.0, 0.5, 1.5], [-10.0, -1.0, 2.0], [14.0, 0.2, -0.8]),
        Some("Lectures.GaborLoss", [2, 3],
            p => Lectures.GaborLoss(p[0], p[1], p[2], p[3]),
            (p, g) => Lectures.GaborLossGradient(p[0], p[1], p[2], p[3], out g[0], out g[1]),
            [3.0, 0.2, 0.5, 1.5], [-10.0, -0.4, -1.0, 2.0], [14.0, 0.1, 0.2, -0.8]),
        Some("Lectures.ShallowNet", [1, 2, 3, 4, 5, 6],
            p => Lectures.ShallowNet(p[0], p[1], p[2], p[3], p[4], p[5], p[6]),
            (p, g) => Lectures.ShallowNetGradient(p[0], p[1], p[2], p[3], p[4], p[5], p[6], out g[0], out g[1], out g[2], out g[3], out g[4], out g[5]),
            [0.5, 1.0, 0.2, -1.5, 0.3, 2.0, -0.1], [-1.2, -0.7, 0.5, 2.0, -1.0, 0.8, 0.4], [2.0, 0.3, -0.6, 1.1, 0.2, -1.3, 0.9]),
        Some("Lectures.ShallowNetLoss", [2, 3, 4, 5, 6, 7],
            p => Lectures.ShallowNetLoss(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]),
            (p, g) => Lectures.ShallowNetLossGradient(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], out g[0], out g[1], out g[2], out g[3], out g[4], out g[5]),
            [0.5, 1.0, 1.0, 0.2, -1.5, 0.3, 2.0, -0.1], [-1.2, -0.5, -0.7, 0.5, 2.0, -1.0, 0.8, 0.4], [2.0, 0.3, 0.3, -0.6, 1.1, 0.2, -1.3, 0.9]),
        Some("Lectures.BinaryCrossEntropy", [1],
            p => Lectures.BinaryCrossEntropy(p[0], p[1]),
            (p, g) => Lectures.BinaryCrossEntropyGradient(p[0], p[1], out g[0]),
            [1.0, 0.7], [0.0, 0.2], [0.3, 0.55]),
        Some("Lectures.LogisticLoss", [1],
            p => Lectures.LogisticLoss(p[0], p[1]),
            (p, g) => Lectures.LogisticLossGradient(p[0], p[1], out g[0]),
            [1.0, 0.7], [0.0, -1.5], [0.3, 2.0]),
        All("Lectures.Staged",
            p => Lectures.Staged(p[0], p[1]),
            (p, g) => Lectures.StagedGradient(p[0], p[1], out g[0], out g[1]),
            [3.0, -4.0], [1.0, 2.0], [-0.5, 0.3]),
        Some("Lectures.TanhUnitLoss", [2, 3],
            p => Lectures.TanhUnitLoss(p[0], p[1], p[2], p[3]),
            (p, g) => Lectures.TanhUnitLossGradient(p[0], p[1], p[2], p[3], out g[0], out g[1]),
            [0.5, 0.2, 1.5, -0.3], [-2.0, -0.5, 0.4, 0.1], [1.0, 0.9, -0.8, 0.6]),
    ];
}
