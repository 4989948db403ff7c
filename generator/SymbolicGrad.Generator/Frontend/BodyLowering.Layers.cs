using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The layers of model methods: <c>Ops.Dropout</c>, <c>Ops.BatchNorm</c>, <c>Ops.Conv2d</c>, <c>Ops.MaxPool2d</c>,
/// <c>Ops.Flatten</c>, <c>Ops.Relu</c> of an image, <c>Vec.AsImage</c> and <c>Image.AsVec</c>. A layer argument must be a field of the
/// model (its parameters become the method's, as Vec and Mat fields do); image shapes and pooling windows are
/// compile-time constants; dropout calls are numbered in the order C# evaluates them (the runtime's reference numbers
/// them so too, so both draw the same masks).
/// </summary>
internal sealed partial class BodyLowering
{
    private static readonly HashSet<string> LayerOps = new() { "Dropout", "BatchNorm", "Conv2d", "MaxPool2d", "Flatten" };

    private int _dropoutSites;

    /// <summary>Layers are checked where the method is inlined, not here (a model's static helper, lowered alone to report its own errors).</summary>
    public bool LayersAssumed { get; init; }

    /// <summary>Whether the call is a layer's, or an Ops call on an image, or a vector's image view, or an image's vector view.</summary>
    private bool IsLayerCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (TensorTypes.IsOps(method.ContainingType))
        {
            return LayerOps.Contains(method.Name) || invocation.Arguments.Any(a => TensorTypes.IsImage(a.Value.Type));
        }
        return (method.Name == "AsImage" && TensorTypes.RankOf(method.ContainingType) == 1)
            || (method.Name == "AsVec" && TensorTypes.IsImage(method.ContainingType));
    }

    /// <summary>Layers need the model's mode and parameter store: the method being lowered must be a model's instance method.</summary>
    private bool LayersAllowed
    {
        get
        {
            var root = _callStack.Last();
            return LayersAssumed || (!root.IsStatic && TensorTypes.IsModel(root.ContainingType));
        }
    }

    private int EvaluateLayerCall(IInvocationOperation invocation, Environment env)
    {
        string name = invocation.TargetMethod.Name;
        var syntax = invocation.Syntax;
        if (!LayersAllowed)
        {
            Report(DiagnosticCatalogue.LayerOutsideModel, syntax, syntax.ToString(), name == "Dropout" ? " and its random stream" : " and its parameter store");
            return Placeholder(invocation.Type);
        }
        // Inside a loop: a scalar loop's region, or the body of a loop over layers (lowered once for all its layers, in a
        // graph of its own whose dropout sites would be numbered from 0 again).
        if (_graph.CurrentRegion != 0 || _layer is not null)
        {
            Report(DiagnosticCatalogue.LayerInLoop, syntax, syntax.ToString());
            return Placeholder(invocation.Type);
        }
        var args = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();
        switch (name)
        {
            case "AsImage":
            {
                int vector = Evaluate(invocation.Instance!, env);
                // Every extent is checked (each one reported); a reported one stands as 1, so later layers still see an image.
                const string what = "an image's channels, height and width";
                int c = ConstantSize(args[0], what), h = ConstantSize(args[1], what), w = ConstantSize(args[2], what);
                return _graph.Layer(Op.Reshape, null, 0, vector, c, h, w);
            }
            case "Flatten":
                // The image's elements in CHW order: the same vector, read as one.
                return Evaluate(args[0], env);
            case "AsVec":
                return Evaluate(invocation.Instance!, env);
            case "Dropout":
            {
                int x = Evaluate(args[0], env);
                int p = Evaluate(args[1], env);
                if (_graph[p].Batched || IsActive(p))
                {
                    Report(DiagnosticCatalogue.UnsupportedExpression, args[1].Syntax, args[1].Syntax.ToString(),
                        "dropout probability that depends on the sample or on a parameter", "use a constant or a readonly float field of the model");
                    return x;
                }
                // Numbered after its argument's own dropouts: the order C# evaluates them.
                return _graph.Layer(Op.Dropout, null, _dropoutSites++, x, p);
            }
            case "BatchNorm":
            {
                bool image = TensorTypes.IsImage(args[0].Type);
                int x = image ? EvaluateImage(args[0], env) : Evaluate(args[0], env);
                // A reported layer leaves its input in its place: the same shape, as batch normalization's output has.
                if (LayerField(args[1], "BatchNorm") is not var (field, access)) return x;
                int gamma = LayerParameter(field, access, "Gamma", 1), beta = LayerParameter(field, access, "Beta", 1);
                return _graph.Layer(Op.BatchNorm, access, image ? 1 : 0, x, gamma, beta);
            }
            case "Conv2d":
            {
                int x = EvaluateImage(args[0], env);
                if (LayerField(args[1], "Conv2d") is not var (field, access)) return x;
                int weights = LayerParameter(field, access, "Weights", 2), bias = LayerParameter(field, access, "Bias", 1);
                return _graph.Layer(Op.Conv2d, access, 0, x, weights, bias);
            }
            case "MaxPool2d":
            {
                int x = EvaluateImage(args[0], env);
                const string what = "a pooling window and stride";
                int size = ConstantSize(args[1], what);
                int stride = args.Count > 2 ? ConstantSize(args[2], what) : size;
                return _graph.Layer(Op.MaxPool2d, null, 0, x, size, stride);
            }
            default:
            {
                // Element-wise Ops of an image (Relu) are those of a vector: the image is the vector of its pixels.
                var operands = args.Select(a => Evaluate(a, env)).ToList();
                if (_tensors!.Call(name, operands) is int result) return result;
                Report(DiagnosticCatalogue.UnsupportedExpression, syntax, syntax.ToString(), $"call to Ops.{name}", Advice.Tensors);
                return Placeholder(invocation.Type);
            }
        }
    }

    /// <summary>
    /// An image operand of convolution, pooling or batch normalization. Images come from <c>AsImage</c> and from layers;
    /// any other (a reported expression's placeholder, an Image field or local default) stands as a 1×1×1 image, so that
    /// the layer's shape rule has extents to read.
    /// </summary>
    private int EvaluateImage(IOperation argument, Environment env)
    {
        int node = Evaluate(argument, env);
        if (_graph[node].Shape is { IsImage: true }) return node;
        if (!Failed)
        {
            Report(DiagnosticCatalogue.UnsupportedExpression, argument.Syntax, argument.Syntax.ToString(),
                "image that is not a vector's view (AsImage) or a layer's output", "view a vector as an image with x.AsImage(channels, height, width)");
        }
        return ImagePlaceholder(node);
    }

    /// <summary>What a reported layer call leaves in its place: a 1×1×1 image for a Vec or an Image, so that nothing after it is reported again.</summary>
    private int Placeholder(ITypeSymbol? type)
    {
        var zero = _graph.Zero(ScalarKind.Single);
        return TensorTypes.RankOf(type) == 1 || TensorTypes.IsImage(type) ? ImagePlaceholder(zero) : zero;
    }

    private int ImagePlaceholder(int node)
    {
        int one = _graph.Constant(1, ScalarKind.Int32);
        return _graph.Layer(Op.Reshape, null, 0, node, one, one, one);
    }

    /// <summary>A positive constant int argument as an int node; otherwise reported, and 1 in its place.</summary>
    private int ConstantSize(IOperation argument, string what)
    {
        if (argument.ConstantValue is { HasValue: true, Value: int value } && value > 0) return _graph.Constant(value, ScalarKind.Int32);
        Report(DiagnosticCatalogue.ShapeNotConstant, argument.Syntax, argument.Syntax.ToString(), what);
        return _graph.Constant(1, ScalarKind.Int32);
    }

    /// <summary>The model's field a layer argument reads (its name and the C# that reads it), or null (reported).</summary>
    private (IFieldSymbol Field, string Access)? LayerField(IOperation argument, string factory)
    {
        if (argument is IConversionOperation { IsImplicit: true } conversion) argument = conversion.Operand;
        if (argument is IFieldReferenceOperation { Instance: IInstanceReferenceOperation, Field: { IsStatic: false } field })
        {
            return (field, (_parameterNames.Contains(field.Name) ? "this." : "") + ParameterBinder.CSharpName(field.Name));
        }
        Report(DiagnosticCatalogue.LayerNotField, argument.Syntax, argument.Syntax.ToString(), factory);
        return null;
    }

    /// <summary>A parameter of a layer field (<c>conv1.Weights</c>): an input of the method, differentiated like a Vec or Mat field.</summary>
    private int LayerParameter(IFieldSymbol field, string access, string member, int rank)
    {
        string key = field.Name + "." + member;
        if (_fields.TryGetValue(key, out int node)) return node;
        string name = access + "." + member;
        node = _graph.Input(name, ScalarKind.Single, ParameterBinder.FieldShape(rank, name));
        _fields[key] = node;
        _differentiableInputs.Add(node);
        return node;
    }

    /// <summary>A readonly int, float or bool field of the model (a dropout probability): read as it is, never differentiated.</summary>
    private int? ReadScalarField(IFieldReferenceOperation reference, ScalarKind kind)
    {
        var field = reference.Field;
        if (field.IsStatic || !field.IsReadOnly || reference.Instance is not IInstanceReferenceOperation || !LayersAllowed) return null;
        if (kind is not (ScalarKind.Single or ScalarKind.Int32 or ScalarKind.Boolean)) return null;
        return _graph.External((_parameterNames.Contains(field.Name) ? "this." : "") + ParameterBinder.CSharpName(field.Name), kind);
    }
}
