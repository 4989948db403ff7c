using System.Linq;
using Microsoft.CodeAnalysis.Operations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Members of Vec and Mat values in tensor code: one element of a vector, <c>z[label]</c>, <c>z[0]</c>, <c>z[i + 1]</c>,
/// with its gradient (a one-hot vector), checked at run time where its index is used; and the extents
/// <c>Length</c>, <c>Rows</c> and <c>Cols</c> as ints.
/// </summary>
internal sealed partial class BodyLowering
{
    private int EvaluateTensorMember(IPropertyReferenceOperation member, Environment env)
    {
        int tensor = Evaluate(member.Instance!, env);
        var shape = _graph[tensor].Shape;
        if (member.Property.IsIndexer)
        {
            if (shape is not { Rank: 1 })
            {
                return Fail(DiagnosticCatalogue.MatrixElement, member.Syntax, member.Syntax.ToString());
            }
            var arguments = member.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
            int index = Evaluate(arguments[0].Value, env);
            if (_graph.KindOf(index) != ScalarKind.Int32)
            {
                Failed = true; // The indexer takes an int: anything else does not compile.
                return _graph.Zero(ScalarKind.Single);
            }
            // The read as the exception names it: "Loss: z[k]", "Loss: z[k] in Score" when inlined from Score.
            string inlined = _callStack.Count > 1 ? " in " + _callStack.Peek().Name : "";
            return _graph.Pick(tensor, index, _callStack.Last().Name + ": " + member.Syntax + inlined);
        }
        Dim? extent = (member.Property.Name, shape?.Rank) switch
        {
            ("Length", 1) => shape!.Length,
            ("Rows", 2) => shape!.Rows,
            ("Cols", 2) => shape!.Cols,
            _ => null,
        };
        return extent is null
            ? Fail(DiagnosticCatalogue.UnsupportedExpression, member.Syntax, member.Syntax.ToString(), "property access")
            : _graph.Length(extent, ScalarKind.Int32);
    }
}
