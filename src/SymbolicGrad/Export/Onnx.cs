using SymbolicGrad.CompilerServices;
using SymbolicGrad.Export;

namespace SymbolicGrad;

/// <summary>
/// Exports a trained model's prediction as an ONNX model (opset <see cref="Opset"/>), to serve it with ONNX Runtime or
/// any ONNX server where .NET training code does not run.
/// </summary>
/// <remarks>
/// <para>The prediction is the value the model's [Differentiable] loss method computes its loss from: the logits of
/// <c>SoftmaxCrossEntropy(logits, label)</c>, the prediction of <c>Mse</c>, <c>Mae</c> or <c>BinaryCrossEntropy</c>;
/// or the value of a [Differentiable] layer helper marked <see cref="PredictionAttribute"/> that the loss calls. The
/// generator writes its graph (from the same DAG it differentiates); the export copies the trained weights in as
/// initializers.</para>
/// <para>The file has one input per <c>Vec</c> parameter of the loss method that the prediction reads, named as the
/// parameter, of shape [batch, length] (float), and one output of shape [batch, length]: <c>logits</c> for a softmax
/// cross-entropy, else the marked helper's name or <c>prediction</c>. The batch dimension is symbolic, so one file
/// serves any batch size.</para>
/// <para>The graph is the prediction in evaluation mode, whatever <see cref="Model.Training"/> is (the export only reads
/// the model, and leaves its mode as it is): dropout is the identity, batch norm uses its running statistics. A loop
/// over layers is unrolled with the current number of layers, each layer's weights named <c>W[0]</c>, <c>W[1]</c> ….</para>
/// </remarks>
public static class Onnx
{
    /// <summary>The ONNX operator set the exported files use (default domain).</summary>
    public const int Opset = 17;

    /// <summary>Writes <paramref name="model"/>'s prediction, with its current weights, as an ONNX file at <paramref name="path"/> (replaced atomically).</summary>
    /// <exception cref="InvalidOperationException">The model has no generated prediction graph, or its layer arrays do not fit its loop over layers (see the message for why).</exception>
    /// <exception cref="NotSupportedException">The prediction uses an operation ONNX cannot express; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be written (its folder does not exist, the disk is full …).</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder is not writable.</exception>
    public static void Export(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Build(model);
        try
        {
            AtomicFile.Write(path, file.WriteTo);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write the ONNX model to '{Path.GetFullPath(path)}': {e.Message}", e);
        }
        catch (IOException e) when (e is not DirectoryNotFoundException)
        {
            throw new IOException($"Cannot write the ONNX model to '{Path.GetFullPath(path)}': {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="model"/>'s prediction, with its current weights, as an ONNX model to <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has no generated prediction graph, or its layer arrays do not fit its loop over layers (see the message for why).</exception>
    /// <exception cref="NotSupportedException">The prediction uses an operation ONNX cannot express; the message names it.</exception>
    public static void Export(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        Build(model).WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="model"/>'s prediction, as bytes (for ONNX Runtime's <c>InferenceSession(byte[])</c>).</summary>
    /// <exception cref="InvalidOperationException">The model has no generated prediction graph, or its layer arrays do not fit its loop over layers (see the message for why).</exception>
    /// <exception cref="NotSupportedException">The prediction uses an operation ONNX cannot express; the message names it.</exception>
    public static byte[] ToBytes(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model).Written.ToArray();
    }

    private static ProtoWriter Build(Model model)
    {
        string type = model.GetType().Name;
        if (model is not IOnnxExportable exportable)
        {
            throw new InvalidOperationException(
                $"'{type}' has no generated ONNX prediction graph. The generator writes one for a model with one [Differentiable] loss method " +
                "(not counting layer helpers) whose prediction it can tell: the logits of SoftmaxCrossEntropy, the first argument of Mse, Mae or " +
                "BinaryCrossEntropy, or the value of a [Differentiable, Prediction] layer helper the loss calls.");
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export writes little-endian tensors and needs a little-endian machine.");
        var graph = new OnnxGraph(type);
        exportable.DescribePrediction(graph);
        if (graph.Outputs.Count == 0) throw new InvalidOperationException($"'{type}' described no output for its ONNX graph.");
        return OnnxModelFile.Write(graph, $"The prediction of {model.GetType().FullName}, exported by SymbolicGrad.");
    }
}
