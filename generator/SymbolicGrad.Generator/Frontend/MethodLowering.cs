using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Declarations;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using MethodKind = SymbolicGrad.Generator.Pipeline.MethodKind;

namespace SymbolicGrad.Generator.Frontend;

/// <summary>
/// The lowering stage: classifies a [Differentiable] method (<see cref="MethodKind"/>), checks its declaration, binds
/// its parameters and lowers its body to the IR. One path for every kind; every diagnostic is born here or in the
/// classes it calls. Its output holds no Roslyn object, so later stages are cached across unrelated edits.
/// </summary>
internal static class MethodLowering
{
    /// <summary>
    /// Lowers <paramref name="target"/>, a method or local function declaring <paramref name="symbol"/>, whose
    /// [Differentiable] sets the options of <paramref name="mark"/>; <paramref name="key"/> names its declaration among the
    /// declaration facts (<see cref="DifferentiableMark.KeyOf"/>), null when it has none.
    /// </summary>
    public static LoweringResult Lower(SyntaxNode target, ISymbol? symbol, DifferentiableMark mark, string? key, SemanticModel semanticModel,
        CancellationToken cancellation)
    {
        if (target is LocalFunctionStatementSyntax localFunction)
        {
            return new LoweringResult(null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(DiagnosticCatalogue.LocalFunction, LocationInfo.From(localFunction.Identifier), localFunction.Identifier.ValueText),
            }));
        }
        if (symbol is not IMethodSymbol method || target is not MethodDeclarationSyntax declaration)
        {
            return new LoweringResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            return Lower(method, mark, key, declaration, semanticModel, diagnostics, cancellation);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception) when (diagnostics.Any(d => d.IsError))
        {
            // An earlier error left the IR inconsistent; that error is what the user must fix.
            _ = exception;
            return new LoweringResult(null, diagnostics.ToEquatableArray());
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.InternalError,
                LocationInfo.From(declaration.Identifier), method.Name, exception.GetType().Name + ": " + exception.Message));
            return new LoweringResult(null, diagnostics.ToEquatableArray());
        }
    }

    private static LoweringResult Lower(IMethodSymbol method, DifferentiableMark mark, string? key, MethodDeclarationSyntax declaration,
        SemanticModel semanticModel, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        // Kept from an earlier compilation with the same declarations, the declaration costs no symbol queries.
        var declared = key is null ? null : MethodDeclaration.Kept(key, method, mark, declaration);
        if (declared is null)
        {
            if (LayerHelper.Is(method)) return LayerHelper.Check(method, declaration, semanticModel, diagnostics, cancellation);
            declared = MethodDeclaration.Read(method, mark, declaration, diagnostics);
        }
        var kind = declared.Kind;
        var containingTypes = declared.ContainingTypes;
        bool graphWanted = mark.Graph;
        var returnKind = declared.ReturnKind;
        bool badDeclaration = declared.BadDeclaration || (declaration.Body is null && declaration.ExpressionBody is null);

        var graph = new GraphBuilder();
        var parameters = ParameterBinder.Create(declared.Parameters, graph);
        var forms = (declared.Jvp, declared.Hessian);
        var body = badDeclaration || diagnostics.Any(d => d.IsError) ? null : semanticModel.GetOperation(declaration, cancellation);
        if (body is null)
        {
            return new LoweringResult(null, diagnostics.ToEquatableArray());
        }

        var env = new Environment();
        foreach (var (symbol, info) in method.Parameters.Zip(parameters, (s, p) => (s, p)))
        {
            env.Set(symbol, info.Input);
        }
        // A field is read as this.name where a parameter or local of the method, or one the Jvp or Hvp adds, hides it.
        var declaredNames = DeclaredNames(method, declaration);
        var lowering = new BodyLowering(graph, semanticModel.Compilation,
            parameters.Where(p => p.IsDifferentiable).Select(p => p.Input), cancellation, kind,
            declaredNames.Concat(DerivativeForms.AddedModelParameters(kind, forms)))
        {
            SecondOrder = forms.Hessian,
            ForwardForm = forms.Jvp ? "Jvp" : forms.Hessian ? "Hessian" : null,
        };
        int output = -1;
        try
        {
            output = lowering.Run(method, body, env, returnKind);
        }
        catch (Exception exception) when (lowering.Failed && exception is not OperationCanceledException)
        {
            // A reported construct left a placeholder behind that a later step could not use; the report is what matters.
        }
        // A loop's condition is lowered more than once (before the loop and in its body): report each problem once.
        diagnostics.AddRange(lowering.Diagnostics.Distinct());
        diagnostics.AddRange(lowering.RuleDiagnostics.Distinct());
        if (lowering.Failed || diagnostics.Any(d => d.IsError))
        {
            // Errors in the user's C# (reported by the C# compiler) or ours: generate nothing for this method.
            return new LoweringResult(null, diagnostics.ToEquatableArray());
        }

        if (kind == MethodKind.ModelMethod)
        {
            // The model's fields the body reads are the parameters to differentiate, in declaration order.
            var fieldOrder = method.ContainingType.GetMembers().OfType<IFieldSymbol>().Select(f => f.Name).ToList();
            // A layer's parameters (conv1.Weights, conv1.Bias) come at the layer field's place, in the layer's order.
            parameters.AddRange(lowering.Fields.OrderBy(f => fieldOrder.IndexOf(f.Key.Split('.')[0])).ThenBy(f => f.Value)
                .Select(f => new ParameterInfo(graph[f.Value].Name!, ScalarKind.Single, true, ParameterBinder.GradientName(f.Key.Replace(".", "")),
                    f.Value, null, IsField: true)));
        }

        var at = LocationInfo.From(declaration.Identifier);
        var scopeNames = ScopeNames.Of(method);
        var layerLoops = lowering.LayerLoops.Select(loop => LayerLoopModelOf(loop, method, declared, scopeNames, declaredNames)).ToEquatableArray();
        if (layerLoops.Count == 0 && NothingToDifferentiate(kind, parameters) is var (what, advice))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NothingToDifferentiate, at, method.Name, what, advice));
        }
        var trainable = TrainableKind.None;
        if (kind == MethodKind.ModelMethod)
        {
            trainable = TrainableRule.KindOf(method, out string? notTrainable);
            if (notTrainable is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NotTrainable, at, method.Name, method.ContainingType.Name, notTrainable));
            }
        }

        var prediction = kind == MethodKind.ModelMethod ? PredictionRule.Find(method, lowering, at, diagnostics) : null;

        var model = new MethodModel(
            Kind: kind,
            Namespace: declared.Namespace,
            ContainingTypes: containingTypes,
            Name: method.Name,
            Accessibility: declared.Accessibility,
            ReturnKind: returnKind,
            Parameters: parameters.ToEquatableArray(),
            HintName: declared.HintName,
            DocumentationId: declared.DocumentationId,
            QualifyMath: declared.QualifyMath,
            Graph: graph.ToDag(),
            Output: output,
            LocalNames: lowering.LocalNames.ToEquatableArray(),
            Location: at,
            Trainable: trainable,
            ScopeNames: scopeNames,
            Loops: lowering.Loops.ToEquatableArray(),
            DrawGraph: graphWanted,
            Jvp: forms.Jvp,
            Hessian: forms.Hessian,
            LayerLoops: layerLoops,
            Prediction: prediction);
        return new LoweringResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>The names of the method's parameters and of the locals its body declares.</summary>
    private static HashSet<string> DeclaredNames(IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name));
        foreach (var node in declaration.DescendantNodes())
        {
            if (node is VariableDeclaratorSyntax variable) names.Add(variable.Identifier.ValueText);
            else if (node is SingleVariableDesignationSyntax designation) names.Add(designation.Identifier.ValueText);
            else if (node is ForEachStatementSyntax each) names.Add(each.Identifier.ValueText);
        }
        return names;
    }

    /// <summary>
    /// A loop over layers with its body as a model method of its own: private, named after the method
    /// (<c>LossLayer</c>), taking the carried vector, the counter, the seed of its backward pass and the layer arrays'
    /// elements; the model's fields the body reads are its parameters too.
    /// </summary>
    private static LayerLoopModel LayerLoopModelOf(BodyLowering.LoweredLayerLoop loop, IMethodSymbol method, MethodDeclaration declared,
        EquatableArray<string> scopeNames, HashSet<string> declaredNames)
    {
        var graph = loop.Graph;
        var taken = new HashSet<string>(scopeNames);
        string name = method.Name + "Layer" + (loop.Index == 0 ? "" : (loop.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The method's passes call the layer's methods (LossLayerForwardBatch, LossLayerJvp …), all named name + a
        // suffix, where the method's parameters and locals are in scope: none of those may start with the name.
        for (int k = 2; GeneratedMembers.Public(MethodKind.ModelMethod, name).Append(name).Any(taken.Contains)
            || declaredNames.Any(d => d.StartsWith(name, StringComparison.Ordinal)); k++) name = method.Name + "Layer" + k;

        ParameterInfo Input(int node) => new(graph[node].Name!, graph[node].Kind, false, ParameterBinder.GradientName(graph[node].Name!), node, null);
        var parameters = new List<ParameterInfo> { Input(loop.Layer.Carried), Input(loop.Layer.Counter), Input(loop.Layer.Seed) };
        foreach (var element in loop.Elements)
        {
            int node = graph.ToDag().Nodes.Select((n, id) => (n, id)).First(x => x.n.Op == Op.Input && x.n.Name == element.Name).id;
            parameters.Add(new ParameterInfo(element.Name, ScalarKind.Single, true, ParameterBinder.GradientName(element.Name), node, null, IsField: true));
        }
        var fieldOrder = method.ContainingType.GetMembers().OfType<IFieldSymbol>().Select(f => f.Name).ToList();
        parameters.AddRange(loop.Lowering.Fields.OrderBy(f => fieldOrder.IndexOf(f.Key))
            .Select(f => new ParameterInfo(graph[f.Value].Name!, ScalarKind.Single, true, ParameterBinder.GradientName(f.Key), f.Value, null, IsField: true)));
        // The elements are parameters of the layer's methods: no generated name may take theirs.
        var bodyScope = scopeNames.Concat(loop.Elements.Select(e => e.Name)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray();
        var body = new MethodModel(
            Kind: MethodKind.ModelMethod,
            Namespace: declared.Namespace,
            ContainingTypes: declared.ContainingTypes,
            Name: name,
            Accessibility: "private",
            ReturnKind: ScalarKind.Single,
            Parameters: parameters.ToEquatableArray(),
            HintName: declared.HintName,
            DocumentationId: declared.DocumentationId,
            // The counter and the carried vector are parameters of the layer's methods: they too may hide Math or Lanes.
            QualifyMath: declared.QualifyMath || parameters.Any(p => DeclarationChecks.HidesMath(Identifiers.Bare(p.Name))),
            Graph: graph.ToDag(),
            Output: loop.Output,
            LocalNames: loop.Lowering.LocalNames.ToEquatableArray(),
            Location: loop.Location,
            Trainable: TrainableKind.None,
            ScopeNames: bodyScope,
            Loops: EquatableArray<LoopInfo>.Empty,
            Layer: loop.Layer);
        return new LayerLoopModel(loop.Index, loop.Counter, loop.Bound, loop.Elements.ToEquatableArray(), body, loop.Location);
    }

    /// <summary>Why a method whose body lowered has no gradient (SG0102), and what to do, or null when it has one.</summary>
    private static (string What, string Advice)? NothingToDifferentiate(MethodKind kind, List<ParameterInfo> parameters) => kind switch
    {
        _ when parameters.Any(p => p.IsDifferentiable) => null,
        MethodKind.ScalarFunction => ("no parameter is double or float without [NoDiff]",
            "give it a double or float parameter (or an array of them) without [NoDiff], or remove [Differentiable]"),
        MethodKind.TensorFunction => ("no Vec or Mat parameter is without [NoDiff]",
            "take the values to learn as Vec or Mat parameters without [NoDiff], or remove [Differentiable]"),
        _ => ("it reads no Vec or Mat field of the model",
            "read the weights from the model's readonly Vec and Mat fields (from Parameters.Matrix and Parameters.Vector)"),
    };
}
