using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// Checks each parameter of a [Differentiable] method and creates its input node. What a parameter may be depends
/// on the method's kind:
/// a scalar function takes double, float, int and bool, and arrays and spans of double, float and int (the real ones differentiable);
/// a tensor function takes Vec and Mat (differentiable, into dX buffers) and float, int and bool data;
/// a model method takes data only — a Vec, float, int or bool per sample, batched in the batch forms.
/// </summary>
internal static class ParameterBinder
{
    public static List<ParameterInfo> Bind(MethodKind kind, IMethodSymbol method, GraphBuilder graph, List<DiagnosticInfo> diagnostics) =>
        Create(Declare(kind, method, diagnostics), graph);

    /// <summary>The input nodes of <paramref name="parameters"/>, in order, and their <see cref="ParameterInfo"/>.</summary>
    public static List<ParameterInfo> Create(IEnumerable<DeclaredParameter> parameters, GraphBuilder graph) =>
        parameters.Select(p => new ParameterInfo(p.Name, p.Kind, p.IsDifferentiable, p.GradientName, graph.Input(p.Name, p.Kind, p.Shape), p.Location,
            p.IsField, p.Type, p.IsArray)).ToList();

    /// <summary>The syntax declaring <paramref name="parameter"/>, where its diagnostics point.</summary>
    public static ParameterSyntax? SyntaxOf(IParameterSymbol parameter) =>
        parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as ParameterSyntax;

    /// <summary>Checks each parameter of <paramref name="method"/>; what its input node will be, for those it accepts.</summary>
    public static List<DeclaredParameter> Declare(MethodKind kind, IMethodSymbol method, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<DeclaredParameter>();
        foreach (var parameter in method.Parameters)
        {
            var syntax = SyntaxOf(parameter);
            var location = LocationInfo.From(syntax);
            if (parameter.RefKind != RefKind.None)
            {
                var modifier = syntax?.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword));
                string text = parameter.RefKind == RefKind.RefReadOnlyParameter ? "ref readonly" // two tokens: name both
                    : modifier is { } token && token != default ? token.Text : parameter.RefKind.ToString().ToLowerInvariant();
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.ByRefParameter,
                    modifier is { } m && m != default ? LocationInfo.From(m) : location, parameter.Name, text));
                if (kind != MethodKind.ScalarFunction) continue;
            }

            int rank = TensorTypes.RankOf(parameter.Type);
            bool array = kind == MethodKind.ScalarFunction && ArrayTypes.IsArray(parameter.Type);
            var elementKind = rank > 0 ? ScalarKind.Single : array ? ArrayTypes.ElementKind(parameter.Type) : ScalarTypes.KindOf(parameter.Type);
            if (!Accepts(kind, rank, elementKind))
            {
                var typeLocation = LocationInfo.From(syntax?.Type) ?? location;
                diagnostics.Add(parameter.Type.TypeKind == TypeKind.Dynamic
                    ? DiagnosticInfo.Create(DiagnosticCatalogue.Dynamic, typeLocation, parameter.Name)
                    : DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedParameterType, typeLocation, parameter.Name, parameter.Type.ToDisplayString(),
                        Advice.ParameterType(kind)));
                continue;
            }

            // A gradient name taken by another parameter is SG0017, a declaration rule the analyzer reports.
            bool differentiable = DeclarationRules.HasGradient(kind, parameter);
            if (kind == MethodKind.TensorFunction && rank == 0 && elementKind == ScalarKind.Single && !DeclarationRules.IsNoDiff(parameter)
                && !TensorTypes.IsTensorType(method.ReturnType))
            {
                // The contract's buffers are per Vec/Mat parameter: say so rather than drop a real value's gradient silently.
                // (A layer helper returning Vec is inlined, its float argument differentiated where it is called.)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.ScalarOfTensorFunction, location, parameter.Name,
                    method.Name, DeclarationRules.GradientName(parameter.Name).Substring(1)));
            }
            string gradientName = GradientName(parameter.Name);
            string name = CSharpName(parameter.Name);
            // An array is a vector the body reads by index.
            var shape = array ? Shape.Vector(Dim.Of(name, Axis.Length), batched: false) : ShapeOf(kind, rank, name);
            result.Add(new DeclaredParameter(parameter.Ordinal, name, elementKind!.Value, differentiable, gradientName, shape, location,
                IsField: kind == MethodKind.TensorFunction && differentiable, Type: parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                IsArray: array));
        }
        return result;
    }

    private static bool Accepts(MethodKind kind, int rank, ScalarKind? elementKind) => kind switch
    {
        MethodKind.ScalarFunction => rank == 0 && elementKind is not null,
        MethodKind.TensorFunction => elementKind is not null and not ScalarKind.Double,
        _ => rank < 2 && elementKind is not null and not ScalarKind.Double,
    };

    /// <summary>A model method's data is per sample (batched); a tensor function's Vec/Mat are whole values.</summary>
    private static Shape? ShapeOf(MethodKind kind, int rank, string name) => (kind, rank) switch
    {
        // A sample is a row of the batch matrix: its length is the matrix's column count.
        (MethodKind.ModelMethod, 1) => Shape.Vector(Dim.Of(name, Axis.Cols), batched: true),
        (MethodKind.ModelMethod, _) => Shape.BatchedScalar,
        (_, 1) => Shape.Vector(Dim.Of(name, Axis.Length), batched: false),
        (_, 2) => Shape.Matrix(Dim.Of(name, Axis.Rows), Dim.Of(name, Axis.Cols)),
        _ => null,
    };

    /// <summary>The shape of a model's Vec or Mat field, shared by every sample.</summary>
    public static Shape FieldShape(int rank, string name) =>
        rank == 1 ? Shape.Vector(Dim.Of(name, Axis.Length), batched: false) : Shape.Matrix(Dim.Of(name, Axis.Rows), Dim.Of(name, Axis.Cols));

    /// <summary><c>d</c> + the name with its first letter upper-cased (<c>phi0</c> → <c>dPhi0</c>).</summary>
    public static string GradientName(string name) => DeclarationRules.GradientName(name);

    /// <summary>The name as C# must write it (<c>@class</c>).</summary>
    public static string CSharpName(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}

/// <summary>
/// A parameter as its declaration makes it: what <see cref="ParameterBinder.Create"/> turns into an input node and a
/// <see cref="ParameterInfo"/>. <paramref name="Ordinal"/> is its place in the method's parameter list.
/// </summary>
internal sealed record DeclaredParameter(int Ordinal, string Name, ScalarKind Kind, bool IsDifferentiable, string GradientName, Shape? Shape,
    LocationInfo? Location, bool IsField, string Type, bool IsArray);
