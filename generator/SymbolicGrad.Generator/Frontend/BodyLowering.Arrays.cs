using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Array and span parameters of scalar functions: element reads <c>a[i]</c> with an int index (guarded by the path
/// that reaches them, so an index out of range throws exactly when the user's method would), <c>a.Length</c>, and
/// locals that alias a parameter. Arrays are read-only: writes and local arrays are reported.
/// </summary>
internal sealed partial class BodyLowering
{
    /// <summary>An expression whose value is an array or span: the array parameter it is (or aliases).</summary>
    private int EvaluateArrayValue(IOperation operation, Environment env)
    {
        switch (operation)
        {
            case IParameterReferenceOperation parameter:
                return Read(parameter.Parameter, env, operation);
            case ILocalReferenceOperation local:
                return Read(local.Local, env, operation);
            case IConversionOperation { OperatorMethod: null } conversion when ArrayTypes.IsArray(conversion.Operand.Type):
                return EvaluateArrayValue(conversion.Operand, env);
            case IConversionOperation { Operand: { } operand } conversion when operand is IArrayCreationOperation || operand.Kind.ToString() == "None":
                return Fail(DiagnosticCatalogue.LocalArray, operation.Syntax, operation.Syntax.ToString());
            case IArrayCreationOperation:
                return Fail(DiagnosticCatalogue.LocalArray, operation.Syntax, operation.Syntax.ToString());
            default:
                return operation.Syntax.ToString().TrimStart().StartsWith("stackalloc", System.StringComparison.Ordinal)
                    ? Fail(DiagnosticCatalogue.LocalArray, operation.Syntax, operation.Syntax.ToString())
                    : Fail(DiagnosticCatalogue.UnsupportedExpression, operation.Syntax, operation.Syntax.ToString(), Describe(operation), Advice.ArrayValue);
        }
    }

    /// <summary>The array node a foreach goes over, or null when it is not an array or span.</summary>
    private int? ArrayOf(IOperation collection, Environment env)
    {
        while (collection is IConversionOperation { OperatorMethod: null } conversion) collection = conversion.Operand;
        if (!ArrayTypes.IsArray(collection.Type)) return null;
        int node = EvaluateArrayValue(collection, env);
        return _graph[node].Op == Op.Input ? node : null;
    }

    /// <summary><c>array[index]</c>: an element of an array or span parameter, read under the current path.</summary>
    private int EvaluateElement(IOperation array, IOperation[] indices, IOperation element, Environment env)
    {
        if (indices.Length != 1)
        {
            return Fail(DiagnosticCatalogue.UnsupportedExpression, element.Syntax, element.Syntax.ToString(), "array element with several indices",
                "read one-dimensional arrays or spans, with one int index");
        }
        var index = indices[0];
        while (index is IConversionOperation { IsImplicit: true, Operand.Type.SpecialType: SpecialType.System_Int32 } widening) index = widening.Operand;
        if (index.Type?.SpecialType != SpecialType.System_Int32)
        {
            return Fail(DiagnosticCatalogue.NonIntIndex, indices[0].Syntax, element.Syntax.ToString(), index.Type?.ToDisplayString() ?? "no type");
        }
        int arrayNode = EvaluateArrayValue(array, env);
        if (Failed || _graph[arrayNode].Op != Op.Input) return _graph.Zero(ScalarKind.Double);
        int position = Evaluate(index, env);
        return ArrayRead(arrayNode, position, _graph.Guard ?? True);
    }

    private int ArrayRead(int array, int index, int guard) =>
        _graph.Pinned(new Node(Op.ArrayRead, _graph.KindOf(array), new EquatableArray<int>(new[] { array, index, guard })));

    /// <summary><c>a.Length</c> of an array or span parameter.</summary>
    private int EvaluateArrayLength(IOperation array, Environment env)
    {
        int arrayNode = EvaluateArrayValue(array, env);
        if (Failed || _graph[arrayNode].Op != Op.Input) return _graph.Zero(ScalarKind.Int32);
        return _graph.Length(_graph[arrayNode].Shape!.Length, ScalarKind.Int32);
    }

    /// <summary>Whether an assignment target is an element of an array or span (which the method may not write).</summary>
    private static bool IsElementTarget(IOperation target, out string array)
    {
        var reference = target switch
        {
            IArrayElementReferenceOperation element => element.ArrayReference,
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } when ArrayTypes.IsArray(instance.Type) => instance,
            _ => null,
        };
        array = reference?.Syntax.ToString() ?? "";
        return reference is not null;
    }
}
