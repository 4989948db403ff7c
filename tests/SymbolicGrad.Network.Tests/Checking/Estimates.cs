namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>What the finite differences tell about one partial derivative.</summary>
/// <param name="Central">Richardson-extrapolated central difference: the estimate where the loss is smooth.</param>
/// <param name="Left">Second-order one-sided derivative from p − h .. p.</param>
/// <param name="Right">Second-order one-sided derivative from p .. p + h.</param>
/// <param name="ThirdDifference">Largest third difference of the slopes over the four half-steps.</param>
public readonly record struct Estimates(double Central, double Left, double Right, double ThirdDifference);
