using static SymbolicGrad.Ops;

namespace SymbolicGrad.Network.Tests.Models.Adversary;

/// <summary>SG0105's advice: a scalar of a function of vectors that should be differentiated, taken as a Vec of length 1.</summary>
public static partial class ScaledScore
{
    /// <summary>α·(w·x), α = alpha[0].</summary>
    [Differentiable]
    public static float Score(Vec w, [NoDiff] Vec x, Vec alpha) => alpha[0] * Dot(w, x);
}
