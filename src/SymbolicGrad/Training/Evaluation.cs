namespace SymbolicGrad;

/// <summary>The result of evaluating a model on a dataset.</summary>
/// <param name="Loss">Mean loss over the rows.</param>
/// <param name="Accuracy">Share of rows classified correctly, or null when the model is not a classifier.</param>
/// <param name="Count">Number of rows evaluated.</param>
public readonly record struct Evaluation(double Loss, double? Accuracy, int Count);
