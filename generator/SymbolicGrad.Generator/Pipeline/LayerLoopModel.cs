namespace SymbolicGrad.Generator.Pipeline;

/// <summary>An element of a layer array the loop body reads (<c>W[l]</c>), passed to the layer's methods under <see cref="Name"/>.</summary>
/// <param name="Array">The array field, as C# names it (<c>W</c>, or <c>this.W</c> where a parameter hides it).</param>
/// <param name="Name">The layer methods' parameter holding the element (<c>W_l</c>).</param>
/// <param name="Rank">1 for a <c>Vec[]</c>, 2 for a <c>Mat[]</c>.</param>
internal sealed record ElementField(string Array, string Name, int Rank);

/// <summary>
/// A loop over a model's layers, <c>for (int l = 0; l &lt; W.Length; l++) h = …;</c>. Its body, one layer, is a model
/// method of its own (<see cref="Body"/>): from the carried vector at the layer's start to its next value, reading the
/// layer's elements of the layer arrays and the counter. The method's graph holds the loop as one
/// <see cref="Ir.Op.LayerLoop"/> node.
/// </summary>
/// <param name="Index">The loop's number in the method (<see cref="Ir.Node.Value"/> of its nodes).</param>
/// <param name="Counter">The counter's C# name (<c>l</c>), a parameter of the layer's methods.</param>
/// <param name="Bound">The array whose length bounds the loop (<c>W</c>).</param>
/// <param name="Elements">The layer arrays' elements the body reads, in order of first use.</param>
/// <param name="Body">One layer, as a model method: its output is the next carried vector.</param>
internal sealed record LayerLoopModel(int Index, string Counter, string Bound, EquatableArray<ElementField> Elements, MethodModel Body,
    LocationInfo? Location);

/// <summary>What makes a model method the body of a loop over layers.</summary>
/// <param name="Carried">The input node of the carried vector at the layer's start (<c>h</c>); its gradient is handed back.</param>
/// <param name="Seed">The input node of ∂L/∂(the next carried vector), the backward pass's seed.</param>
/// <param name="Counter">The input node of the loop's counter.</param>
/// <param name="CarriedTangent">For a layer's Jvp (forward mode), the input node of the carried vector's tangent (its seed is -1); -1 otherwise, and for the first layer's Jvp from the data, which has no such tangent.</param>
/// <param name="Jvp">Whether this is a layer's Jvp: its workspace keeps its output's tangent, not a gradient.</param>
/// <param name="SeedTangent">For a layer's Hvp (forward over reverse), the input node of the seed's tangent; -1 otherwise.</param>
internal sealed record LayerBody(int Carried, int Seed, int Counter, int CarriedTangent = -1, bool Jvp = false, int SeedTangent = -1)
{
    /// <summary>Whether this is a layer's Jvp: its workspace keeps its output's tangent, not a gradient.</summary>
    public bool IsJvp => Jvp;

    /// <summary>Whether this is a layer's Hvp: a forward pass with tangents, then a backward pass with its adjoints' tangents.</summary>
    public bool IsHvp => SeedTangent >= 0;
}
