namespace SymbolicGrad.Network.Tests.Models.LayerLoops;

/// <summary>The dense layers of the models that loop over their layers.</summary>
internal static class LoopLayers
{
    /// <summary>
    /// W[l] (<c>sizes[l + 1]</c> × <c>sizes[l]</c>, initialized by <paramref name="weights"/> with seed <c>seed + 2l</c>)
    /// and b[l] (small and nonzero, seed <c>seed + 2l + 1</c>), allocated in that order, layer by layer.
    /// </summary>
    public static (Mat[] W, Vec[] b) Dense(ParameterStore parameters, int[] sizes, Func<long, Initializer> weights, int seed)
    {
        var W = new Mat[sizes.Length - 1];
        var b = new Vec[sizes.Length - 1];
        for (int l = 0; l < W.Length; l++)
        {
            W[l] = parameters.Matrix(sizes[l + 1], sizes[l], weights(seed + 2 * l));
            b[l] = parameters.Vector(sizes[l + 1], Init.Normal(0.3f, seed + 2 * l + 1));
        }
        return (W, b);
    }
}
