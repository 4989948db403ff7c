namespace SymbolicGrad.CompilerServices;

/// <summary>
/// A model whose generated code describes its prediction graph for <see cref="Onnx.Export(Model, string)"/>: the
/// generator writes the graph (from the DAG of the [Differentiable] method), the model's fields supply the weights.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IOnnxExportable
{
    /// <summary>
    /// Describes the prediction to <paramref name="graph"/>: its inputs, the weights it reads, its nodes and its output.
    /// Throws <see cref="NotSupportedException"/> naming the operation when the prediction uses one ONNX cannot express.
    /// </summary>
    void DescribePrediction(OnnxGraph graph);
}
