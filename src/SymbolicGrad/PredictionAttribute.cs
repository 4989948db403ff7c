namespace SymbolicGrad;

/// <summary>
/// Marks a [Differentiable] layer helper (a model method returning <c>Vec</c>) as the model's prediction: the value
/// <see cref="Onnx.Export(Model, string)"/> exports, where the loss method calls it.
/// </summary>
/// <remarks>
/// Without it the prediction is the first argument of the loss (<c>SoftmaxCrossEntropy</c>, <c>Mse</c>, <c>Mae</c>,
/// <c>BinaryCrossEntropy</c>). Mark a helper when the loss uses none of those or several, or to export another value
/// (probabilities rather than logits):
/// <code>
/// [Differentiable, Prediction]
/// public Vec Predict(Vec x) =&gt; Sigmoid(W2 * Tanh(W1 * x + b1) + b2);
///
/// [Differentiable]
/// public float Loss([NoDiff] Vec x, [NoDiff] Vec target) =&gt; Dot(target, Predict(x)) + 0.01f * Sum(Square(b2));
/// </code>
/// The exported output is named after the helper (<c>Predict</c>).
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PredictionAttribute : Attribute
{
}
