using System.Diagnostics.CodeAnalysis;

namespace SymbolicGrad.CompilerServices;

/// <summary>
/// The check a model method's generated gradient runs before any work: every weight whose gradient it adds must be a
/// parameter of the model's store. Checked up front, a refused call changes nothing (no running statistics moved, no
/// random stream taken, no gradient added); checked late, it would throw halfway through the backward pass.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class WeightCheck
{
    /// <summary>Throws unless <paramref name="weight"/> views <paramref name="store"/>'s parameters.</summary>
    /// <param name="store">The model's parameters.</param>
    /// <param name="weight">The vector field (or layer part) the method reads.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <param name="field">The field as the method reads it (<c>b</c>, <c>bn.Gamma</c>).</param>
    /// <exception cref="ArgumentException">The weight views other memory.</exception>
    public static void InStore(ParameterStore store, Vec weight, string method, string field)
    {
        if (!store.Contains(weight))
        {
            Throw(method, field, Guard.Shape(weight));
        }
    }

    /// <summary>Throws unless <paramref name="weight"/> views <paramref name="store"/>'s parameters.</summary>
    /// <param name="store">The model's parameters.</param>
    /// <param name="weight">The matrix field (or layer part) the method reads.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <param name="field">The field as the method reads it (<c>W</c>, <c>conv.Weights</c>).</param>
    /// <exception cref="ArgumentException">The weight views other memory.</exception>
    public static void InStore(ParameterStore store, Mat weight, string method, string field)
    {
        if (!store.Contains(weight))
        {
            Throw(method, field, Guard.Shape(weight));
        }
    }

    /// <summary>Throws unless the first <paramref name="layers"/> elements of a layer array view the store's parameters.</summary>
    /// <param name="store">The model's parameters.</param>
    /// <param name="weights">The layer array (a readonly <c>Vec[]</c> field).</param>
    /// <param name="layers">The layers the loop runs (its bound's length); a shorter array is the argument check's to report.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <param name="field">The array field's name.</param>
    /// <exception cref="ArgumentException">An element views other memory.</exception>
    public static void InStore(ParameterStore store, Vec[] weights, int layers, string method, string field)
    {
        for (int l = 0; l < Math.Min(layers, weights.Length); l++)
        {
            if (!store.Contains(weights[l]))
            {
                Throw(method, $"{field}[{l}]", Guard.Shape(weights[l]));
            }
        }
    }

    /// <summary>Throws unless the first <paramref name="layers"/> elements of a layer array view the store's parameters.</summary>
    /// <param name="store">The model's parameters.</param>
    /// <param name="weights">The layer array (a readonly <c>Mat[]</c> field).</param>
    /// <param name="layers">The layers the loop runs (its bound's length); a shorter array is the argument check's to report.</param>
    /// <param name="method">The [Differentiable] method, for the message.</param>
    /// <param name="field">The array field's name.</param>
    /// <exception cref="ArgumentException">An element views other memory.</exception>
    public static void InStore(ParameterStore store, Mat[] weights, int layers, string method, string field)
    {
        for (int l = 0; l < Math.Min(layers, weights.Length); l++)
        {
            if (!store.Contains(weights[l]))
            {
                Throw(method, $"{field}[{l}]", Guard.Shape(weights[l]));
            }
        }
    }

    [DoesNotReturn]
    private static void Throw(string method, string field, string shape) => throw new ArgumentException(
        $"{method}: the field '{field}' ({shape}) is not a parameter of this store (it views other memory), so its gradient " +
        "has nowhere to go; nothing was computed. Every Vec and Mat field a [Differentiable] method reads gets a gradient: " +
        "create a weight with Parameters.Vector or Parameters.Matrix in the constructor (of this model, not another), and " +
        "pass constant data in through a [NoDiff] parameter instead of a field.", "parameter");
}
