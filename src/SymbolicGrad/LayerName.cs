namespace SymbolicGrad;

/// <summary>
/// The name of a layer (<see cref="BatchNorm"/>, <see cref="Conv2d"/>) shared by its parts in the layouts: the name
/// given at allocation, else the model field holding the layer, else <c>p</c> + the index of its first parameter.
/// </summary>
internal sealed class LayerName(string? explicitName, int firstIndex)
{
    /// <summary>The model field holding the layer, found by <see cref="ParameterStore.Layout"/>'s reflection.</summary>
    internal string? FieldName { get; set; }

    internal string Name => explicitName ?? FieldName ?? "p" + firstIndex;
}
