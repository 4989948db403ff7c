namespace SymbolicGrad;

/// <summary>
/// One optimizer step to apply inside the backward pass: the rule, this step's learning rate, the momentum β and the
/// velocity buffer (laid out like <see cref="ParameterStore.Values"/>; empty for SGD).
/// </summary>
internal readonly record struct FusedUpdate(UpdateKind Kind, float LearningRate, float Beta, float[] Velocity);
