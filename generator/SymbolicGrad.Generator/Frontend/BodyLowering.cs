using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Runs a method body symbolically over Roslyn's operation tree: every value becomes a DAG node, locals map to
/// nodes, an <c>if</c> becomes a select between the values of its branches, and calls to other
/// [Differentiable] methods are inlined. Anything outside the supported language is reported at its exact span.
/// Diagnostic spans: statements at their keyword, expressions at the whole expression.
/// </summary>
internal sealed partial class BodyLowering
{
    private const string DifferentiableAttribute = "SymbolicGrad.DifferentiableAttribute";
    private const string PredictionAttribute = "SymbolicGrad.PredictionAttribute";

    private readonly GraphBuilder _graph;
    private readonly Compilation _compilation;
    private readonly HashSet<int> _differentiableInputs;
    private readonly Dictionary<int, bool> _active = new();
    private readonly List<NodeName> _names = new();
    private readonly HashSet<int> _named = new();
    private readonly Stack<IMethodSymbol> _callStack = new();
    private readonly CancellationToken _cancellation;
    private List<DiagnosticInfo> _diagnostics = new();

    private readonly OpsLibrary? _tensors;


    private readonly Dictionary<string, int> _fields = new();
    private readonly List<NodeName> _marked = new();
    private readonly HashSet<string> _parameterNames;
    private readonly MethodKind _kind;

    /// <param name="kind">What the method is differentiated with respect to: tensor code reads Vec, Mat and Ops; advice depends on it.</param>
    /// <param name="parameterNames">The names that hide a field in the generated code (the method's parameters and locals, those the generated forms add): a field of one of them is read as <c>this.name</c>.</param>
    public BodyLowering(GraphBuilder graph, Compilation compilation, IEnumerable<int> differentiableInputs, CancellationToken cancellation,
        MethodKind kind, IEnumerable<string> parameterNames)
    {
        _graph = graph;
        _kind = kind;
        _parameterNames = new HashSet<string>(parameterNames);
        _tensors = kind != MethodKind.ScalarFunction ? new OpsLibrary(graph) : null;
        _compilation = compilation;
        _differentiableInputs = new HashSet<int>(differentiableInputs);
        _cancellation = cancellation;
    }

    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

    public IReadOnlyList<NodeName> LocalNames => _names;

    /// <summary>The Vec and Mat fields of the model the body reads: its parameters (name → input node).</summary>
    public IReadOnlyDictionary<string, int> Fields => _fields;

    /// <summary>The first argument of each loss the body calls (Ops.SoftmaxCrossEntropy, Mse, Mae, BinaryCrossEntropy), with the loss's name.</summary>
    public IReadOnlyList<NodeName> LossInputs => _tensors?.LossInputs ?? (IReadOnlyList<NodeName>)System.Array.Empty<NodeName>();

    /// <summary>The value of each call to a [Prediction] layer helper, with the helper's name.</summary>
    public IReadOnlyList<NodeName> MarkedPredictions => _marked;

    /// <summary>True when the body uses code that does not compile or that was reported.</summary>
    public bool Failed { get; private set; }

    /// <summary>Runs the body of <paramref name="method"/> with parameters bound in <paramref name="env"/>; returns the result node.</summary>
    public int Run(IMethodSymbol method, IOperation body, Environment env, ScalarKind returnKind)
    {
        if (body is IMethodBodyBaseOperation methodBody)
        {
            body = (IOperation?)methodBody.BlockBody ?? methodBody.ExpressionBody!;
        }
        _callStack.Push(method);
        try
        {
            var flow = new Flow(env, new List<(int?, int)>());

            ExecuteFlow(body, flow);
            if (flow.Returns.Count == 0)
            {
                // The C# compiler guarantees every path returns; reaching here means the body has errors.
                Failed = true;
                return _graph.Zero(returnKind);
            }
            // The first return whose path condition holds is the one that runs: c₁ ? v₁ : c₂ ? v₂ : … : vₙ.
            int result = flow.Returns[flow.Returns.Count - 1].Value;
            for (int i = flow.Returns.Count - 2; i >= 0; i--)
            {
                var (guard, value) = flow.Returns[i];
                result = guard is int g ? _graph.Select(g, value, result) : value;
            }
            return result;
        }
        finally
        {
            _callStack.Pop();
        }
    }

    // ---- Expressions --------------------------------------------------------------------------

    private int EvaluateCondition(IOperation condition, Environment env)
    {
        int node = Evaluate(condition, env);
        return _graph.KindOf(node) == ScalarKind.Boolean ? node : _graph.Constant(0, ScalarKind.Boolean);
    }

    private int Evaluate(IOperation operation, Environment env)
    {
        _cancellation.ThrowIfCancellationRequested();

        if (operation is IConversionOperation { Type.TypeKind: TypeKind.Dynamic })
        {
            return Fail(DiagnosticCatalogue.Dynamic, operation.Syntax, $"{operation.Syntax} converted to dynamic");
        }
        if (operation.Type?.TypeKind == TypeKind.Dynamic || operation.Kind.ToString().StartsWith("Dynamic"))
        {
            return Fail(DiagnosticCatalogue.Dynamic, operation.Syntax, operation.Syntax.ToString());
        }
        if (operation is IThrowOperation)
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), "throw expression", Advice.Expression(operation, _kind));
        }
        switch (operation)
        {
            case IAnonymousFunctionOperation or IDelegateCreationOperation:
                return Fail(DiagnosticCatalogue.Lambda, operation.Syntax, operation.Syntax.ToString());
            case ITranslatedQueryOperation:
                return Fail(DiagnosticCatalogue.Linq, operation.Syntax, operation.Syntax.ToString());
            case IInvalidOperation:
                Failed = true;
                return _graph.Zero(ScalarKind.Double);
        }

        if (_tensors is null && ArrayTypes.IsArray(operation.Type))
        {
            return EvaluateArrayValue(operation, env);
        }
        var kind = ScalarTypes.KindOf(operation.Type) ?? (_tensors is not null ? TensorTypes.ElementKind(operation.Type) : null);
        if (kind is null)
        {
            return Fail(DiagnosticCatalogue.UnsupportedValueType, operation.Syntax, operation.Syntax.ToString(),
                operation.Type?.ToDisplayString() ?? "no type", Advice.ValueType(_kind));
        }

        if (operation.ConstantValue is { HasValue: true, Value: var constant })
        {
            return _graph.Constant(ConstantToDouble(constant), kind.Value);
        }

        switch (operation)
        {
            case IParameterReferenceOperation parameter:
                return Read(parameter.Parameter, env, operation);
            case ILocalReferenceOperation local:
                return Read(local.Local, env, operation);
            case IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field when _tensors is not null && TensorTypes.RankOf(field.Type) > 0:
                return ReadField(field.Field);
            case IPropertyReferenceOperation member when _tensors is not null && TensorTypes.IsTensorType(member.Instance?.Type):
                return EvaluateTensorMember(member, env);
            case IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field when _tensors is not null && ReadScalarField(field, kind.Value) is int scalar:
                return scalar;
            case IFieldReferenceOperation { Field.IsStatic: true } field when TensorTypes.RankOf(field.Type) > 0:
                // Not a model's weight (those are instance fields) nor an input of the function: its gradient would have nowhere to go.
                return Fail(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), "static Vec or Mat field", Advice.Read(_kind));
            case IFieldReferenceOperation { Field.IsStatic: true } field:
                return _graph.External(
                    field.Field.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + field.Field.Name, kind.Value);
            case IArrayElementReferenceOperation element when _tensors is not null:
                return EvaluateLayerElement(element);
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: IFieldReferenceOperation { Instance: IInstanceReferenceOperation } array }
                when _tensors is not null && IsLayerArray(array.Field.Type):
                return EvaluateLayerCount(array.Field);
            case IArrayElementReferenceOperation element when _tensors is null:
                return EvaluateElement(element.ArrayReference, element.Indices.ToArray(), element, env);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } indexer when _tensors is null && ArrayTypes.IsArray(instance.Type):
                return EvaluateElement(instance, indexer.Arguments.Select(a => a.Value).ToArray(), indexer, env);
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance } when _tensors is null && ArrayTypes.IsArray(instance.Type):
                return EvaluateArrayLength(instance, env);
            case IConversionOperation conversion:
                return EvaluateConversion(conversion, kind.Value, env);
            case IBinaryOperation binary when binary.OperatorMethod is null:
                return EvaluateBinary(binary, env);
            case IUnaryOperation unary when unary.OperatorMethod is null:
                return EvaluateUnary(unary, env);
            case IBinaryOperation binary when _tensors is not null && TensorTypes.IsTensorType(binary.OperatorMethod!.ContainingType):
                return EvaluateTensorBinary(binary, env);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } unary when _tensors is not null && TensorTypes.IsTensorType(unary.OperatorMethod!.ContainingType):
                return _graph.Neg(Evaluate(unary.Operand, env));
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
            {
                // Each branch is evaluated under its condition, which guards its reads: c ? a[i] : 0 reads a[i] only when c.
                int condition = EvaluateCondition(conditional.Condition, env);
                return _graph.Select(condition, Under(condition, () => Evaluate(conditional.WhenTrue, env)),
                    Under(_graph.Not(condition), () => Evaluate(whenFalse, env)));
            }
            case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation:
                return EvaluateAssignment(operation, env);
            case IInvocationOperation invocation:
                return EvaluateInvocation(invocation, kind.Value, env);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, env);
            case ISwitchExpressionOperation switchExpression:
                return EvaluateSwitch(switchExpression, kind.Value, env);
            case IIsPatternOperation isPattern:
                return EvaluateIsPattern(isPattern, env);
            default:
                return Fail(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), Describe(operation), Advice.Expression(operation, _kind));
        }
    }

    private int Read(ISymbol symbol, Environment env, IOperation operation)
    {
        if (env.TryGet(symbol, out int node)) return node;
        Failed = true; // Unassigned: the C# compiler reports it.
        return _graph.Zero(ScalarTypes.KindOf(operation.Type) ?? ScalarKind.Double);
    }

    private int EvaluateConversion(IConversionOperation conversion, ScalarKind kind, Environment env)
    {
        if (conversion.OperatorMethod is not null)
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, conversion.Syntax, conversion.Syntax.ToString(), "user-defined conversion", Advice.Operators);
        }
        int operand = Evaluate(conversion.Operand, env);
        if (kind == ScalarKind.Int32 && _graph.KindOf(operand).IsReal() && IsActive(operand))
        {
            Warn(DiagnosticCatalogue.ZeroDerivative, conversion.Syntax, conversion.Syntax.ToString());
        }
        if (kind == ScalarKind.Boolean || _graph.KindOf(operand) == ScalarKind.Boolean)
        {
            return _graph.KindOf(operand) == kind ? operand : Fail(DiagnosticCatalogue.UnsupportedExpression,
                conversion.Syntax, conversion.Syntax.ToString(), "conversion between bool and a number", "use a conditional such as c ? 1.0 : 0.0");
        }
        return _graph.Convert(operand, kind);
    }

    private int EvaluateBinary(IBinaryOperation binary, Environment env)
    {
        Op? op = binary.OperatorKind switch
        {
            BinaryOperatorKind.Add => Op.Add,
            BinaryOperatorKind.Subtract => Op.Sub,
            BinaryOperatorKind.Multiply => Op.Mul,
            BinaryOperatorKind.Divide => Op.Div,
            BinaryOperatorKind.Remainder => Op.Remainder,
            BinaryOperatorKind.LessThan => Op.Less,
            BinaryOperatorKind.LessThanOrEqual => Op.LessOrEqual,
            BinaryOperatorKind.GreaterThan => Op.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => Op.GreaterOrEqual,
            BinaryOperatorKind.Equals => Op.Equal,
            BinaryOperatorKind.NotEquals => Op.NotEqual,
            BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And when IsBoolean(binary) => Op.And,
            BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or when IsBoolean(binary) => Op.Or,
            _ => null,
        };
        if (op is null)
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, binary.Syntax, binary.Syntax.ToString(),
                $"operator {binary.OperatorKind}", Advice.Operators);
        }
        int left = Evaluate(binary.LeftOperand, env);
        int right = EvaluateRight(binary, left, env);
        if (_graph.KindOf(left) != _graph.KindOf(right))
        {
            // Operands of a predefined operator already have one type, unless an earlier error replaced one.
            Failed = true;
            return _graph.Zero(ScalarTypes.KindOf(binary.Type) ?? ScalarKind.Double);
        }
        return _graph.Binary(op.Value, left, right);
    }

    private int EvaluateTensorBinary(IBinaryOperation binary, Environment env)
    {
        int left = Evaluate(binary.LeftOperand, env);
        int right = Evaluate(binary.RightOperand, env);
        if (binary.OperatorKind == BinaryOperatorKind.Multiply && _graph[left].Rank == 2)
        {
            return _graph[right].Rank == 1
                ? _tensors!.MatVec(left, right)
                : Fail(DiagnosticCatalogue.UnsupportedExpression, binary.Syntax, binary.Syntax.ToString(), "matrix product other than matrix × vector", Advice.Tensors);
        }
        if (_graph[left].Rank == 2 || _graph[right].Rank == 2)
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, binary.Syntax, binary.Syntax.ToString(), "element-wise operation on a matrix", Advice.Tensors);
        }
        return binary.OperatorKind switch
        {
            BinaryOperatorKind.Add => _graph.Add(left, right),
            BinaryOperatorKind.Subtract => _graph.Sub(left, right),
            BinaryOperatorKind.Multiply => _graph.Mul(left, right),
            _ => Fail(DiagnosticCatalogue.UnsupportedExpression, binary.Syntax, binary.Syntax.ToString(), $"operator {binary.OperatorKind} on vectors", Advice.Tensors),
        };
    }

    /// <summary>
    /// A Vec or Mat field of the model: a parameter, shared by every sample of a batch. Its node is named by the C#
    /// that reads it (<c>this.W</c> where a parameter <c>W</c> hides the field).
    /// </summary>
    private int ReadField(IFieldSymbol field)
    {
        if (_fields.TryGetValue(field.Name, out int node)) return node;
        int rank = TensorTypes.RankOf(field.Type);
        string name = (_parameterNames.Contains(field.Name) ? "this." : "") + ParameterBinder.CSharpName(field.Name);
        node = _graph.Input(name, ScalarKind.Single, ParameterBinder.FieldShape(rank, name));
        _fields[field.Name] = node;
        _differentiableInputs.Add(node);
        return node;
    }

    private static bool IsBoolean(IBinaryOperation binary) => binary.Type?.SpecialType == SpecialType.System_Boolean;

    private int EvaluateUnary(IUnaryOperation unary, Environment env)
    {
        int operand = Evaluate(unary.Operand, env);
        return unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus => _graph.Neg(operand),
            UnaryOperatorKind.Plus => operand,
            UnaryOperatorKind.Not => _graph.Not(operand),
            _ => Fail(DiagnosticCatalogue.UnsupportedExpression, unary.Syntax, unary.Syntax.ToString(), $"operator {unary.OperatorKind}", Advice.Operators),
        };
    }

    private int EvaluateAssignment(IOperation operation, Environment env)
    {
        var target = operation switch
        {
            IAssignmentOperation assignment => assignment.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => null,
        };
        ISymbol? symbol = target switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (target is not null && IsElementTarget(target, out string array))
        {
            return Fail(DiagnosticCatalogue.ArrayWrite, target.Syntax, operation.Syntax.ToString(), array);
        }
        if (target is null || symbol is null)
        {
            var syntax = target?.Syntax ?? operation.Syntax;
            return Fail(DiagnosticCatalogue.WriteOutsideMethod, syntax, syntax.ToString());
        }

        int result;
        switch (operation)
        {
            case ISimpleAssignmentOperation simple:
                result = Evaluate(simple.Value, env);
                break;
            case ICompoundAssignmentOperation compound:
            {
                int current = Read(symbol, env, target);
                int value = Evaluate(compound.Value, env);
                var common = ScalarKinds.Promote(_graph.KindOf(current), _graph.KindOf(value));
                Op? op = compound.OperatorKind switch
                {
                    BinaryOperatorKind.Add => Op.Add,
                    BinaryOperatorKind.Subtract => Op.Sub,
                    BinaryOperatorKind.Multiply => Op.Mul,
                    BinaryOperatorKind.Divide => Op.Div,
                    BinaryOperatorKind.Remainder => Op.Remainder,
                    _ => null,
                };
                if (op is not null && compound.OperatorMethod is not null && _tensors is not null
                    && TensorTypes.IsTensorType(compound.OperatorMethod.ContainingType))
                {
                    // h += v on vectors: the element-wise operation.
                    result = _graph.Binary(op.Value, current, value);
                    break;
                }
                if (op is null || compound.OperatorMethod is not null)
                {
                    return Fail(DiagnosticCatalogue.UnsupportedExpression, compound.Syntax, compound.Syntax.ToString(),
                        $"compound operator {compound.OperatorKind}", Advice.Operators);
                }
                result = _graph.Binary(op.Value, _graph.Convert(current, common), _graph.Convert(value, common));
                result = _graph.Convert(result, _graph.KindOf(current));
                break;
            }
            case IIncrementOrDecrementOperation increment:
            {
                int current = Read(symbol, env, target);
                int one = _graph.One(_graph.KindOf(current));
                result = increment.Kind == OperationKind.Increment ? _graph.Add(current, one) : _graph.Sub(current, one);
                Assign(symbol, result, env);
                // x++ yields the old value, ++x the new one.
                return increment.IsPostfix ? current : result;
            }
            default:
                return Fail(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), Describe(operation), Advice.Expression(operation, _kind));
        }
        Assign(symbol, result, env);
        return result;
    }

    private void Assign(object variable, int node, Environment env)
    {
        env.Set(variable, node);
        // The first local that holds a computed value names it in the generated code.
        var op = _graph[node].Op;
        if (op is Op.Constant or Op.Input or Op.External || !_named.Add(node)) return;
        _names.Add(new NodeName(node, NameOf(variable)));
    }

    private static string NameOf(object variable) => variable is ISymbol symbol ? symbol.Name : ((HiddenVariable)variable).Name;

    // ---- Activity and reporting ---------------------------------------------------------------

    /// <summary>Whether a node depends on a differentiable parameter.</summary>
    private bool IsActive(int node)
    {
        if (_active.TryGetValue(node, out bool active)) return active;
        var n = _graph[node];
        active = _differentiableInputs.Contains(node) || (n.Kind.IsReal() && n.Args.Any(IsActive));
        _active[node] = active;
        return active;
    }

    /// <summary>A call that cannot be inlined (SG0019): a Vec or Image call leaves a vector placeholder, so that its use is not reported too.</summary>
    private int FailCall(IInvocationOperation invocation, params string[] arguments)
    {
        Report(DiagnosticCatalogue.CalleeHasErrors, invocation.Syntax, arguments);
        return _tensors is not null && (TensorTypes.RankOf(invocation.Type) == 1 || TensorTypes.IsImage(invocation.Type))
            ? Placeholder(invocation.Type)
            : _graph.Zero(ScalarKind.Double);
    }

    private int Fail(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] arguments)
    {
        Report(descriptor, syntax, arguments);
        return _graph.Zero(ScalarKind.Double);
    }

    private void Report(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] arguments) =>
        Report(descriptor, LocationInfo.From(syntax), arguments);

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
    {
        Failed = true;
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
    }

    private void Warn(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax), arguments));

    private static double ConstantToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        null => 0,
        _ => System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Describe(IOperation operation) => operation.Kind switch
    {
        OperationKind.PropertyReference => "property access",
        OperationKind.FieldReference => operation is IFieldReferenceOperation { Field.IsStatic: true } ? "static field access" : "instance field access",
        OperationKind.ObjectCreation => "object creation",
        OperationKind.ArrayElementReference => "array element access",
        OperationKind.Interpolation or OperationKind.InterpolatedString => "string interpolation",
        OperationKind.Coalesce => "?? operator",
        OperationKind.ConditionalAccess => "?. operator",
        OperationKind.Throw => "throw expression",
        OperationKind.Await => "await",
        _ => operation.Kind.ToString(),
    };
}
