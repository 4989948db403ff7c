namespace SymbolicGrad;

/// <summary>
/// Base class of a trainable model: allocate its parameters in the constructor with
/// <c>Parameters.Matrix(...)</c> and <c>Parameters.Vector(...)</c> and keep the returned views in fields;
/// <see cref="DifferentiableAttribute"/> methods of the subclass get generated gradients with respect to them.
/// </summary>
public abstract class Model
{
    /// <summary>Creates a model with an empty parameter store.</summary>
    protected Model() => Parameters = new ParameterStore(this);

    /// <summary>Every parameter value and gradient, each in one contiguous buffer.</summary>
    public ParameterStore Parameters { get; }
}
