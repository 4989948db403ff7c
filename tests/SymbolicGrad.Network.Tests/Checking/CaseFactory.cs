namespace SymbolicGrad.Network.Tests.Checking;

/// <summary>Builds a fresh case (new model, new samples) so tests never share gradient state.</summary>
/// <param name="Name">The model's type name, with its sizes when the catalogue holds it twice.</param>
/// <param name="Family">The op family it checks.</param>
/// <param name="Create">A new case with its samples in the given layout.</param>
public sealed record CaseFactory(string Name, string Family, Func<DataLayout, NetworkCase> Create)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
