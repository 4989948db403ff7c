using System.Collections.Generic;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Backends.Onnx;

/// <summary>How one IR node becomes ONNX: the C# expression of its value (see <see cref="IOnnxContext"/>).</summary>
internal delegate string OnnxForm(IOnnxContext c, Node n);

/// <summary>
/// The ONNX form of every op a prediction may use, one entry per op (opset 17). Shapes follow one convention: a
/// per-sample vector is [batch, n], a per-sample scalar [batch, 1], a model's vector [n], its matrix [rows, cols], a
/// constant a scalar; ONNX broadcasting then combines them as the IR does. An op without an entry, or with a reason in
/// <see cref="Unsupported"/>, makes the export fail naming it (SG0080 at compile time, NotSupportedException at export).
/// </summary>
internal static class OnnxForms
{
    private static readonly Dictionary<Op, OnnxForm> Forms = new()
    {
        // Element-wise, one ONNX operator each.
        [Op.Add] = Same("Add"),
        [Op.Sub] = Same("Sub"),
        [Op.Mul] = Same("Mul"),
        [Op.Div] = Same("Div"),
        [Op.Neg] = Same("Neg"),
        [Op.Sin] = Same("Sin"),
        [Op.Cos] = Same("Cos"),
        [Op.Tan] = Same("Tan"),
        [Op.Asin] = Same("Asin"),
        [Op.Acos] = Same("Acos"),
        [Op.Atan] = Same("Atan"),
        [Op.Sinh] = Same("Sinh"),
        [Op.Cosh] = Same("Cosh"),
        [Op.Tanh] = Same("Tanh"),
        [Op.Asinh] = Same("Asinh"),
        [Op.Acosh] = Same("Acosh"),
        [Op.Atanh] = Same("Atanh"),
        [Op.Exp] = Same("Exp"),
        [Op.Log] = Same("Log"),
        [Op.Sqrt] = Same("Sqrt"),
        [Op.Pow] = Same("Pow"),
        [Op.Abs] = Same("Abs"),
        [Op.Max] = Same("Max"),
        [Op.Min] = Same("Min"),
        [Op.Floor] = Same("Floor"),
        [Op.Ceiling] = Same("Ceil"),
        [Op.Round] = Same("Round"), // both round half to even
        [Op.Sign] = Same("Sign"),
        [Op.Sigmoid] = Same("Sigmoid"),
        [Op.Less] = Same("Less"),
        [Op.LessOrEqual] = Same("LessOrEqual"),
        [Op.Greater] = Same("Greater"),
        [Op.GreaterOrEqual] = Same("GreaterOrEqual"),
        [Op.Equal] = Same("Equal"),
        [Op.And] = Same("And"),
        [Op.Or] = Same("Or"),
        [Op.Not] = Same("Not"),
        // A condition known at export time (a layer's counter against the number of layers) picks one side for good.
        [Op.Select] = (c, n) => c.Known(n[0]) is { } condition
            ? $"{condition} ? {c.Operand(n[1])} : {c.Operand(n[2])}"
            : c.Apply("Where", c.Operand(n[0]), c.Operand(n[1]), c.Operand(n[2])),
        [Op.NotEqual] = (c, n) => c.Apply("Not", c.Apply("Equal", c.Operand(n[0]), c.Operand(n[1]))),
        [Op.Remainder] = (c, n) => c.Node("Mod", new[] { c.Operand(n[0]), c.Operand(n[1]) }, c.Int("fmod", 1)),
        [Op.Convert] = (c, n) => c.Node("Cast", new[] { c.Operand(n[0]) }, c.Int("to", TypeCode(n.Kind))),

        // Element-wise, composed of a few.
        [Op.Log2] = (c, n) => c.Apply("Div", c.Apply("Log", c.Operand(n[0])), c.Constant(System.Math.Log(2), n.Kind)),
        [Op.Log10] = (c, n) => c.Apply("Div", c.Apply("Log", c.Operand(n[0])), c.Constant(System.Math.Log(10), n.Kind)),
        [Op.LogBase] = (c, n) => c.Apply("Div", c.Apply("Log", c.Operand(n[0])), c.Apply("Log", c.Operand(n[1]))),
        [Op.Cbrt] = (c, n) => c.Apply("Mul", c.Apply("Sign", c.Operand(n[0])),
            c.Apply("Pow", c.Apply("Abs", c.Operand(n[0])), c.Constant(1.0 / 3.0, n.Kind))),
        [Op.FusedMultiplyAdd] = (c, n) => c.Apply("Add", c.Apply("Mul", c.Operand(n[0]), c.Operand(n[1])), c.Operand(n[2])),
        [Op.Clamp] = (c, n) => c.Apply("Min", c.Apply("Max", c.Operand(n[0]), c.Operand(n[1])), c.Operand(n[2])),
        [Op.Truncate] = (c, n) => c.Apply("Where", c.Apply("Less", c.Operand(n[0]), c.Constant(0, n.Kind)),
            c.Apply("Ceil", c.Operand(n[0])), c.Apply("Floor", c.Operand(n[0]))),

        // Leaves the graph reads as constants (inputs and weights are the writer's).
        [Op.Constant] = (c, n) => c.Constant(n.Value, n.Kind),
        [Op.Length] = (c, n) => $"{c.Graph}.Constant(({n.Kind.Keyword()})({c.Dim(n.Dim!)}))",
        [Op.External] = (c, n) => $"{c.Graph}.Constant(({n.Kind.Keyword()}){n.Name})",

        // Tensors. A batch of vectors is [batch, n]: W·x is x·Wᵀ (Gemm), reductions keep a column per sample.
        [Op.MatVec] = (c, n) => c[n[1]].Batched
            ? c.Node("Gemm", new[] { c.Operand(n[1]), c.Operand(n[0]) }, c.Int("transB", 1))
            : c.Apply("MatMul", c.Operand(n[0]), c.Operand(n[1])),
        [Op.Sum] = (c, n) => c.Node("ReduceSum", new[] { c.Operand(n[0]), c.Int64s("-1") }, c.Int("keepdims", n.Batched ? 1 : 0)),
        [Op.LogSumExp] = (c, n) => c.Node("ReduceLogSumExp", new[] { c.Operand(n[0]) }, c.Ints("axes", -1), c.Int("keepdims", n.Batched ? 1 : 0)),
        [Op.Pick] = (c, n) => c.Node("Gather", new[] { c.Operand(n[0]), c.Int64s(((long)c[n[1]].Value).ToString(System.Globalization.CultureInfo.InvariantCulture)) }, c.Int("axis", -1)),
        [Op.Concat] = (c, n) => c.Node("Concat", new[] { c.Operand(n[0]), c.Operand(n[1]) }, c.Int("axis", -1)),
        [Op.Slice] = (c, n) => c.Apply("Slice", c.Operand(n[0]), c.Int64s(c.Dim(n.Dim!)),
            c.Int64s(c.Dim(n.Dim!) + " + " + c.Dim(n.Shape!.Length)), c.Int64s("-1")),

        // Layers, in evaluation mode (what a served model computes). Image ops read and give [batch, C, H, W].
        [Op.Reshape] = (c, n) => c.Operand(n[0]), // an image is its vector of pixels in CHW order, as ONNX's NCHW row
        [Op.Dropout] = (c, n) => c.Operand(n[0]), // the identity in evaluation
        [Op.Conv2d] = (c, n) =>
        {
            string layer = n.Name!, kernel = layer + ".Kernel", stride = layer + ".Stride", padding = layer + ".Padding";
            // Weights is OutChannels × (InChannels·Kernel·Kernel): ONNX's [M, C, kH, kW] row-major.
            string weights = c.Weight(n[1], layer + ".OutChannels", layer + ".InChannels", kernel, kernel);
            return c.Node("Conv", new[] { c.Image(n[0]), weights, c.Operand(n[2]) },
                c.Ints("kernel_shape", kernel, kernel), c.Ints("pads", padding, padding, padding, padding), c.Ints("strides", stride, stride));
        },
        [Op.MaxPool2d] = (c, n) =>
        {
            long size = (long)c[n[1]].Value, stride = (long)c[n[2]].Value;
            return c.Node("MaxPool", new[] { c.Image(n[0]) }, c.Ints("kernel_shape", size, size), c.Ints("strides", stride, stride));
        },
        [Op.BatchNorm] = (c, n) =>
        {
            string layer = n.Name!;
            string x = n.Value == 1 ? c.Image(n[0]) : c.Operand(n[0]); // [batch, channels, H, W] or [batch, features]
            return c.Node("BatchNormalization", new[] { x, c.Operand(n[1]), c.Operand(n[2]), c.LayerWeight(layer, "RunningMean"), c.LayerWeight(layer, "RunningVariance") },
                c.Float("epsilon", layer + ".Epsilon"));
        },
    };

    /// <summary>Whether the node's ONNX value is an image, [batch, channels, height, width], rather than [batch, n].</summary>
    public static bool GivesImage(Node n) => n.Op is Op.Conv2d or Op.MaxPool2d || (n.Op == Op.BatchNorm && n.Value == 1);

    /// <summary>
    /// Why node <paramref name="n"/> has no ONNX form, or null when it has one. Checked before anything is written, so
    /// a form may assume its operands are supported.
    /// </summary>
    public static string? Unsupported(Dag dag, Node n) => n.Op switch
    {
        Op.Pick when dag[n[1]].Op != Op.Constant => $"it reads an element at a position known only at run time ({OpTable.Of(n.Op).Name})",
        Op.Concat when dag[n[0]].Batched != dag[n[1]].Batched => "it concatenates a per-sample vector with one of the model's own",
        _ when !Forms.ContainsKey(n.Op) => $"ONNX has no form here for '{OpTable.Of(n.Op).Name}' ({n.Op})",
        _ => null,
    };

    public static OnnxForm Of(Op op) => Forms[op];

    /// <summary>The ONNX <c>TensorProto.DataType</c> of a kind.</summary>
    public static int TypeCode(ScalarKind kind) => kind switch
    {
        ScalarKind.Double => 11,
        ScalarKind.Int32 => 6,
        ScalarKind.Boolean => 9,
        _ => 1,
    };

    /// <summary>An element-wise op that is one ONNX operator of the same operands.</summary>
    private static OnnxForm Same(string opType) => (c, n) =>
    {
        var inputs = new string[n.Arity];
        for (int k = 0; k < n.Arity; k++) inputs[k] = c.Operand(n[k]);
        return c.Apply(opType, inputs);
    };
}
