using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Loops over a model's layers: <c>for (int l = 0; l &lt; W.Length; l++) h = Relu(W[l] * h + b[l]);</c>, W and b readonly
/// <c>Mat[]</c>/<c>Vec[]</c> fields. The body is lowered into a graph of its own (one layer: from the carried vector
/// <c>h</c>, the elements <c>W[l]</c>, <c>b[l]</c>, the model's fields and the counter, to h's next value), and the
/// method's graph holds the loop as one <see cref="Op.LayerLoop"/> node. Everything else a loop in a model method could
/// be is reported (SG0070–SG0074).
/// </summary>
internal sealed partial class BodyLowering
{
    /// <summary>A loop over layers lowered: the body's graph and what the method's lowering builds its model from.</summary>
    internal sealed record LoweredLayerLoop(int Index, string Counter, string Bound, List<ElementField> Elements, GraphBuilder Graph,
        LayerBody Layer, int Output, BodyLowering Lowering, LocationInfo? Location);

    /// <summary>Inside a layer's body: the counter, and the elements of layer arrays read so far (array field name → input node).</summary>
    private sealed class LayerContext
    {
        public LayerContext(ILocalSymbol counter, string bound, NameAllocator taken)
        {
            Counter = counter;
            Bound = bound;
            Taken = taken;
        }

        public ILocalSymbol Counter { get; }

        public string Bound { get; }

        /// <summary>Names the layer's methods may not give an element (members, parameters, the counter, the carried vector).</summary>
        public NameAllocator Taken { get; }

        public Dictionary<string, int> Elements { get; } = new();

        public List<ElementField> Fields { get; } = new();
    }

    private readonly List<LoweredLayerLoop> _layerLoops = new();
    private LayerContext? _layer;

    /// <summary>The method's loops over layers.</summary>
    public IReadOnlyList<LoweredLayerLoop> LayerLoops => _layerLoops;

    private void ExecuteLayerLoop(ILoopOperation loop, Flow flow)
    {
        var keyword = loop.Syntax.GetFirstToken();
        var at = LocationInfo.From(keyword);
        if (_kind != MethodKind.ModelMethod)
        {
            Report(DiagnosticCatalogue.LayerLoopForm, at, keyword.ValueText, "a static function of Vec and Mat values has no layers to loop over");
            return;
        }
        if (_layer is not null || _callStack.Count > 1 || flow.Path is not null || _callSite is not null)
        {
            Report(DiagnosticCatalogue.LayerLoopForm, at, keyword.ValueText, "a loop over layers must be a statement of the model method itself, outside any if, loop or called method");
            return;
        }
        if (LayerLoopShape(loop) is not var (counter, boundReference) || boundReference is null)
        {
            Report(DiagnosticCatalogue.LayerLoopForm, at, keyword.ValueText, "its header is not 'for (int l = 0; l < W.Length; l++)' over a Mat[] or Vec[] field");
            return;
        }
        var boundField = boundReference.Field;
        if (!CheckLayerArray(boundField, boundReference.Syntax)) return;

        var body = ((IForLoopOperation)loop).Body;
        foreach (var operation in body.DescendantsAndSelf())
        {
            string? what = operation switch
            {
                ILoopOperation => "it holds an inner loop",
                IBranchOperation { BranchKind: BranchKind.Break } => "it breaks out of the loop",
                IBranchOperation { BranchKind: BranchKind.Continue } => "it continues the loop",
                IBranchOperation => "it jumps",
                IReturnOperation => "it returns from inside the loop",
                _ when WritesCounter(operation, counter) => $"it assigns the counter '{counter.Name}'",
                _ => null,
            };
            if (what is null) continue;
            Report(DiagnosticCatalogue.LayerLoopBody, operation.Syntax, what);
            return;
        }
        var carried = CarriedVariables(loop, flow.Env).OfType<ISymbol>().ToList();
        if (carried.Count != 1 || TensorTypes.RankOf(TypeOf(carried[0])) != 1)
        {
            string names = carried.Count == 0 ? "nothing" : string.Join(", ", carried.Select(c => c.Name));
            Report(DiagnosticCatalogue.LayerLoopBody, at, $"it carries {names} from one layer to the next, not exactly one Vec");
            return;
        }
        var h = carried[0];
        flow.Env.TryGet(h, out int first);
        if (_graph[first] is not { Rank: 1, Batched: true })
        {
            Report(DiagnosticCatalogue.LayerLoopBody, at, $"'{h.Name}' must hold a value of each sample (computed from the method's Vec input) when the loop starts");
            return;
        }
        // Values from before the loop other than the carried vector: a layer reads none.
        foreach (var reference in body.DescendantsAndSelf())
        {
            ISymbol? symbol = reference switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is null || SymbolEqualityComparer.Default.Equals(symbol, h) || !flow.Env.TryGet(symbol, out _)) continue;
            Report(DiagnosticCatalogue.ValueFromBeforeLayerLoop, reference.Syntax, reference.Syntax.ToString(), h.Name);
            return;
        }

        // One layer, lowered on its own: h and the counter are its inputs.
        var method = _callStack.Peek();
        var taken = new NameAllocator();
        foreach (string name in ScopeNames.Of(method).Concat(method.Parameters.Select(p => p.Name)).Append(counter.Name).Append(h.Name))
        {
            taken.Reserve(name);
        }
        var graph = new GraphBuilder();
        string hName = ParameterBinder.CSharpName(h.Name);
        int hInput = graph.Input(hName, ScalarKind.Single, Shape.Vector(Dim.Of(hName, Axis.Cols), batched: true));
        int counterInput = graph.Input(ParameterBinder.CSharpName(counter.Name), ScalarKind.Int32);
        var inner = new BodyLowering(graph, _compilation, new[] { hInput }, _cancellation, MethodKind.ModelMethod,
            _parameterNames.Concat(new[] { h.Name, counter.Name }))
        {
            _layer = new LayerContext(counter, FieldName(boundField), taken),
        };
        inner._callStack.Push(method);
        var env = new Environment();
        env.Set(h, hInput);
        env.Set(counter, counterInput);
        try
        {
            inner.ExecuteFlow(body, new Flow(env, new List<(int?, int)>()));
        }
        catch (System.Exception exception) when (inner.Failed && exception is not System.OperationCanceledException)
        {
            // A reported construct left a placeholder behind that a later step could not use; the report is what matters.
        }
        _diagnostics.AddRange(inner._diagnostics);
        if (inner.Failed)
        {
            Failed = true;
            return;
        }
        env.TryGet(h, out int next);
        if (graph[next] is not { Rank: 1, Batched: true } || graph[next].Arity == 0 || !graph.ToDag().Reachable(new[] { next })[hInput])
        {
            Report(DiagnosticCatalogue.LayerLoopBody, at, $"the next value of '{h.Name}' must be computed from '{h.Name}' itself");
            return;
        }
        string seedName = taken.Allocate("d" + NameAllocator.Capitalize(h.Name) + "Next");
        int seed = graph.Input(seedName, ScalarKind.Single, graph[next].Shape);

        // To the method, the loop is one op from h's first value to its last.
        int index = _layerLoops.Count;
        var layer = inner._layer!;
        var length = LastLayer(graph[next].Shape!.Length, layer, hName, _graph[first].Shape!.Length);
        int result = _graph.Rebuild(new Node(Op.LayerLoop, ScalarKind.Single, new EquatableArray<int>(new[] { first }),
            Shape.Vector(length, batched: true), index));
        _layerLoops.Add(new LoweredLayerLoop(index, ParameterBinder.CSharpName(counter.Name), layer.Bound, layer.Fields, graph,
            new LayerBody(hInput, seed, counterInput), next, inner, at));
        Assign(h, result, flow.Env);
    }

    /// <summary>The counter and bounding array of <c>for (int l = 0; l &lt; W.Length; l++)</c>, or null for another loop.</summary>
    private static (ILocalSymbol Counter, IFieldReferenceOperation? Bound)? LayerLoopShape(ILoopOperation loop)
    {
        if (loop is not IForLoopOperation { Before.Length: 1, AtLoopBottom.Length: 1, Condition: { } condition } forLoop) return null;
        if (forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
            || group.Declarations[0].Declarators.Length != 1) return null;
        var declarator = group.Declarations[0].Declarators[0];
        var initializer = declarator.Initializer?.Value ?? group.Declarations[0].Initializer?.Value;
        if (declarator.Symbol.Type.SpecialType != SpecialType.System_Int32 || initializer?.ConstantValue is not { HasValue: true, Value: 0 }) return null;
        var counter = declarator.Symbol;
        if (condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan, LeftOperand: ILocalReferenceOperation left, RightOperand: var right }
            || !SymbolEqualityComparer.Default.Equals(left.Local, counter)) return null;
        if (right is not IPropertyReferenceOperation { Property.Name: "Length", Instance: IFieldReferenceOperation { Instance: IInstanceReferenceOperation } bound }
            || !IsLayerArray(bound.Field.Type)) return null;
        var step = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        bool increments = step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation t } => SymbolEqualityComparer.Default.Equals(t.Local, counter),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation t, Value.ConstantValue: { HasValue: true, Value: 1 } } =>
                SymbolEqualityComparer.Default.Equals(t.Local, counter),
            _ => false,
        };
        return increments ? (counter, bound) : null;
    }

    private static bool IsLayerArray(ITypeSymbol? type) => type is IArrayTypeSymbol { Rank: 1, ElementType: var element } && TensorTypes.RankOf(element) > 0;

    private static bool WritesCounter(IOperation operation, ILocalSymbol counter)
    {
        var target = operation switch
        {
            IAssignmentOperation assignment => assignment.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => null,
        };
        return target is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, counter);
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        _ => null,
    };

    /// <summary>A layer array must be a readonly field (the weights of layers are parameters of the model).</summary>
    private bool CheckLayerArray(IFieldSymbol field, SyntaxNode at)
    {
        if (field.IsReadOnly) return true;
        int rank = TensorTypes.RankOf(((IArrayTypeSymbol)field.Type).ElementType);
        Report(DiagnosticCatalogue.LayerArrayNotReadonly, at, field.Name, rank == 1 ? "Vec" : "Mat", rank == 1 ? "Vector" : "Matrix");
        return false;
    }

    private string FieldName(IFieldSymbol field) => (_parameterNames.Contains(field.Name) ? "this." : "") + ParameterBinder.CSharpName(field.Name);

    /// <summary><c>W[l]</c> inside a layer: the layer's element of a layer array, an input of the layer's methods.</summary>
    private int EvaluateLayerElement(IArrayElementReferenceOperation element)
    {
        if (element.ArrayReference is not IFieldReferenceOperation { Instance: IInstanceReferenceOperation, Field: var field } || !IsLayerArray(field.Type))
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, element.Syntax, element.Syntax.ToString(), "array element",
                "read layers as W[l] of a readonly Mat[] or Vec[] field of the model, inside its loop over layers");
        }
        if (_layer is null)
        {
            return Fail(DiagnosticCatalogue.LayerElement, element.Syntax, element.Syntax.ToString(), field.Name, "outside a loop over layers");
        }
        var index = element.Indices.Length == 1 ? element.Indices[0] : null;
        if (index is not ILocalReferenceOperation local || !SymbolEqualityComparer.Default.Equals(local.Local, _layer.Counter))
        {
            return Fail(DiagnosticCatalogue.LayerElement, element.Syntax, element.Syntax.ToString(), field.Name, $"at another index than the counter '{_layer.Counter.Name}'");
        }
        if (!CheckLayerArray(field, element.ArrayReference.Syntax)) return _graph.Zero(ScalarKind.Single);
        if (_layer.Elements.TryGetValue(field.Name, out int node)) return node;
        int rank = TensorTypes.RankOf(((IArrayTypeSymbol)field.Type).ElementType);
        string name = _layer.Taken.Allocate(field.Name + "_" + _layer.Counter.Name);
        node = _graph.Input(name, ScalarKind.Single, ParameterBinder.FieldShape(rank, name));
        _layer.Elements[field.Name] = node;
        _layer.Fields.Add(new ElementField(FieldName(field), name, rank));
        _differentiableInputs.Add(node);
        return node;
    }

    /// <summary><c>W.Length</c> of a layer array: the number of layers.</summary>
    private int EvaluateLayerCount(IFieldSymbol field) => _graph.Length(Dim.Of(FieldName(field), Axis.Length), ScalarKind.Int32);

    /// <summary>
    /// A layer's length read for the last layer (<c>W_l.Rows</c> → <c>W[W.Length - 1].Rows</c>); the carried vector's own
    /// length (a layer that keeps it) is the first value's.
    /// </summary>
    private static Dim LastLayer(Dim dim, LayerContext layer, string carried, Dim first) => dim switch
    {
        Dim.Extent { Tensor.Name: var name } extent when layer.Fields.FirstOrDefault(f => f.Name == name) is { } element =>
            new Dim.Extent(new TensorRef(element.Array, LastOf: layer.Bound), extent.Axis),
        Dim.Extent { Tensor.Name: var name } when name == carried => first,
        Dim.Sum sum => new Dim.Sum(LastLayer(sum.Left, layer, carried, first), LastLayer(sum.Right, layer, carried, first)),
        Dim.Product product => new Dim.Product(LastLayer(product.Left, layer, carried, first), LastLayer(product.Right, layer, carried, first)),
        _ => dim,
    };
}
