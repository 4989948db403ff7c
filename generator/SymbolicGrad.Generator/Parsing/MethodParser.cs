using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Diagnostics;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Parsing;

/// <summary>
/// The parse stage: checks a [Differentiable] method's declaration, then turns its body into the forward DAG.
/// Its output holds no Roslyn object, so later stages are cached across unrelated edits.
/// </summary>
internal static class MethodParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetNode is LocalFunctionStatementSyntax localFunction)
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(DiagnosticCatalogue.LocalFunction, LocationInfo.From(localFunction.Identifier), localFunction.Identifier.ValueText),
            }));
        }
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax declaration)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            return ParseMethod(method, declaration, context.SemanticModel, diagnostics, cancellation);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception) when (diagnostics.Any(d => d.IsError))
        {
            // An earlier error left the IR inconsistent; that error is what the user must fix.
            _ = exception;
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.InternalError,
                LocationInfo.From(declaration.Identifier), method.Name, exception.GetType().Name + ": " + exception.Message));
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }
    }

    private static ParseResult ParseMethod(IMethodSymbol method, MethodDeclarationSyntax declaration, SemanticModel semanticModel,
        List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        string generatedName = method.Name + "Gradient";
        var containingTypes = SignatureChecks.ContainingTypes(method, generatedName, diagnostics);
        bool modelMethod = !method.IsStatic && TensorTypes.IsModel(method.ContainingType);
        bool tensorFunction = method.IsStatic && method.Parameters.Any(p => TensorTypes.RankOf(p.Type) > 0);
        if (modelMethod || tensorFunction)
        {
            return ParseNetworkMethod(method, declaration, semanticModel, containingTypes, diagnostics, cancellation);
        }
        SignatureChecks.CheckMethod(method, declaration, generatedName, diagnostics);
        var returnKind = ScalarTypes.KindOf(method.ReturnType);
        if (returnKind?.IsReal() != true)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.UnsupportedReturnType, LocationInfo.From(declaration.ReturnType),
                method.Name, method.ReturnType.ToDisplayString(), Advice.ReturnType(MethodShape.ScalarFunction)));
        }

        var graph = new GraphBuilder();
        var parameters = SignatureChecks.Parameters(method, graph, diagnostics);
        if (diagnostics.Any(d => d.IsError))
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var body = semanticModel.GetOperation(declaration, cancellation);
        if (body is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var env = new Environment();
        foreach (var (symbol, info) in method.Parameters.Zip(parameters, (s, p) => (s, p)))
        {
            env.Set(symbol, info.Input);
        }
        var interpreter = new BodyInterpreter(graph, semanticModel.Compilation,
            parameters.Where(p => p.IsDifferentiable).Select(p => p.Input), cancellation);
        int output = -1;
        try
        {
            output = interpreter.Run(method, body, env, returnKind.GetValueOrDefault());
        }
        catch (InvalidOperationException) when (interpreter.Failed)
        {
            // A reported construct left a placeholder of the wrong type behind; the report is what matters.
        }
        diagnostics.AddRange(interpreter.Diagnostics);
        if (interpreter.Failed || diagnostics.Any(d => d.IsError))
        {
            // Errors in the user's C# (reported by the C# compiler) or ours: generate nothing for this method.
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        if (!parameters.Any(p => p.IsDifferentiable))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NothingToDifferentiate, LocationInfo.From(declaration.Identifier), method.Name,
                "no parameter is double or float without [NoDiff]", "give it a double or float parameter without [NoDiff], or remove [Differentiable]"));
        }

        var model = new MethodModel(
            Namespace: method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            ContainingTypes: containingTypes,
            Name: method.Name,
            Accessibility: SignatureChecks.AccessibilityKeyword(method.DeclaredAccessibility),
            ReturnKind: returnKind.GetValueOrDefault(),
            Parameters: parameters.ToEquatableArray(),
            HintName: HintName(method),
            DocumentationId: method.Name + "(" + string.Join(", ", parameters.Select(p => p.Kind.Keyword())) + ")",
            QualifyMath: MathIsShadowed(method),
            Graph: graph.ToDag(),
            Output: output,
            LocalNames: interpreter.LocalNames.ToEquatableArray(),
            Location: LocationInfo.From(declaration.Identifier),
            NamesInScope: ScopeNames.Of(method));
        return new ParseResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>An instance method of a Model: a loss over Vec/Mat fields, generated per sample and per batch.</summary>
    private static ParseResult ParseNetworkMethod(IMethodSymbol method, MethodDeclarationSyntax declaration, SemanticModel semanticModel,
        EquatableArray<ContainingType> containingTypes, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        SignatureChecks.CheckNetworkMethod(method, declaration, diagnostics);
        var graph = new GraphBuilder();
        var parameters = method.IsStatic
            ? SignatureChecks.TensorFunctionParameters(method, graph, diagnostics)
            : SignatureChecks.NetworkParameters(method, graph, diagnostics);
        var body = diagnostics.Any(d => d.IsError) ? null : semanticModel.GetOperation(declaration, cancellation);
        if (body is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var env = new Environment();
        foreach (var (symbol, info) in method.Parameters.Zip(parameters, (s, p) => (s, p)))
        {
            env.Set(symbol, info.Input);
        }
        var shape = method.IsStatic ? MethodShape.TensorFunction : MethodShape.ModelMethod;
        var interpreter = new BodyInterpreter(graph, semanticModel.Compilation, Enumerable.Empty<int>(), cancellation, shape,
            method.Parameters.Select(p => p.Name));
        int output = -1;
        try
        {
            output = interpreter.Run(method, body, env, ScalarKind.Single);
        }
        catch (InvalidOperationException) when (interpreter.Failed)
        {
            // A reported construct left a placeholder of the wrong type behind; the report is what matters.
        }
        diagnostics.AddRange(interpreter.Diagnostics);
        if (interpreter.Failed || diagnostics.Any(d => d.IsError))
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        // The model's fields the body reads are the parameters to differentiate, in declaration order.
        var fieldOrder = method.ContainingType.GetMembers().OfType<IFieldSymbol>().Select(f => f.Name).ToList();
        var fields = interpreter.Fields.OrderBy(f => fieldOrder.IndexOf(f.Key))
            .Select(f => new ParameterInfo(graph[f.Value].Name!, ScalarKind.Single, true, SignatureChecks.GradientName(f.Key),
                f.Value, null, IsField: true)).ToList();
        var at = LocationInfo.From(declaration.Identifier);
        if (method.IsStatic ? !parameters.Any(p => p.IsDifferentiable) : fields.Count == 0)
        {
            diagnostics.Add(method.IsStatic
                ? DiagnosticInfo.Create(DiagnosticCatalogue.NothingToDifferentiate, at, method.Name, "no Vec or Mat parameter is without [NoDiff]",
                    "take the values to learn as Vec or Mat parameters without [NoDiff], or remove [Differentiable]")
                : DiagnosticInfo.Create(DiagnosticCatalogue.NothingToDifferentiate, at, method.Name, "it reads no Vec or Mat field of the model",
                    "read the weights from the model's readonly Vec and Mat fields (from Parameters.Matrix and Parameters.Vector)"));
        }
        var trainable = TrainableKind.None;
        if (!method.IsStatic)
        {
            trainable = Trainability(method, out string? notTrainable);
            if (notTrainable is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalogue.NotTrainable, at, method.Name, method.ContainingType.Name, notTrainable));
            }
        }

        var model = new MethodModel(
            Namespace: method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            ContainingTypes: containingTypes,
            Name: method.Name,
            Accessibility: SignatureChecks.AccessibilityKeyword(method.DeclaredAccessibility),
            ReturnKind: ScalarKind.Single,
            Parameters: parameters.Concat(fields).ToEquatableArray(),
            HintName: HintName(method),
            DocumentationId: method.Name + "(" + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))) + ")",
            QualifyMath: MathIsShadowed(method),
            Graph: graph.ToDag(),
            Output: output,
            LocalNames: interpreter.LocalNames.ToEquatableArray(),
            Location: LocationInfo.From(declaration.Identifier),
            IsNetwork: true,
            Trainable: trainable,
            IsStatic: method.IsStatic,
            NamesInScope: ScopeNames.Of(method));
        return new ParseResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// A model whose only [Differentiable] method is <c>(Vec, int)</c> or <c>(Vec, Vec)</c> gets <c>ITrainable</c>,
    /// so <c>Trainer</c> can train it, unless it implements the interface itself. Otherwise <paramref name="whyNot"/>
    /// says why (null when the model implements the interface itself: nothing to report).
    /// </summary>
    private static TrainableKind Trainability(IMethodSymbol method, out string? whyNot)
    {
        whyNot = null;
        var type = method.ContainingType;
        if (type.AllInterfaces.Any(i => i.Name == "ITrainable" && i.ContainingNamespace.Name == "SymbolicGrad")) return TrainableKind.None;
        var differentiable = type.GetMembers().OfType<IMethodSymbol>().Where(m => !m.IsStatic && ScopeNames.IsDifferentiable(m)).ToList();
        var parameters = method.Parameters;
        string TypeOf(IParameterSymbol p) => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        if (differentiable.Count != 1)
        {
            whyNot = $"'{type.Name}' has {differentiable.Count} [Differentiable] methods ({string.Join(", ", differentiable.Select(m => m.Name))}), and Trainer trains one";
        }
        else if (parameters.Length != 2)
        {
            whyNot = $"'{method.Name}' takes {parameters.Length} parameter{(parameters.Length == 1 ? "" : "s")} ({string.Join(", ", parameters.Select(TypeOf))})";
        }
        else if (TensorTypes.RankOf(parameters[0].Type) != 1)
        {
            whyNot = $"its first parameter is '{TypeOf(parameters[0])}', not the input Vec";
        }
        else if (parameters[1].Type.SpecialType == SpecialType.System_Int32)
        {
            return TrainableKind.Labels;
        }
        else if (TensorTypes.RankOf(parameters[1].Type) == 1)
        {
            return TrainableKind.Values;
        }
        else
        {
            whyNot = $"its second parameter is '{TypeOf(parameters[1])}', not an int label or a Vec target";
        }
        return TrainableKind.None;
    }

    /// <summary><c>Namespace.Outer.Type.Method.g.cs</c>; overloads add their parameter types.</summary>
    private static string HintName(IMethodSymbol method)
    {
        var parts = new List<string>();
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            parts.Insert(0, type.Arity > 0 ? type.Name + "_" + type.Arity : type.Name);
        }
        if (!method.ContainingNamespace.IsGlobalNamespace) parts.Insert(0, method.ContainingNamespace.ToDisplayString());
        string name = method.Name;
        if (method.ContainingType.GetMembers(method.Name).Length > 1)
        {
            name += "_" + string.Join("_", method.Parameters.Select(p => p.Type.Name));
        }
        parts.Add(name);
        return string.Join(".", parts) + ".g.cs";
    }

    /// <summary>
    /// Whether <c>Math</c>, <c>MathF</c>, <c>System</c> or <c>Lanes</c> could bind to something else than ours in the
    /// generated file (a parameter, a member, a nested type, or a type or namespace of that name in an enclosing namespace);
    /// then the emitter writes full names (<c>global::System.Math</c>, <c>global::SymbolicGrad.CompilerServices.Lanes</c>).
    /// </summary>
    private static bool MathIsShadowed(IMethodSymbol method)
    {
        static bool Declares(INamespaceOrTypeSymbol scope, string name) => !scope.GetMembers(name).IsEmpty;

        // A parameter keeps its name in the generated signatures, and would hide the type in the generated bodies.
        if (method.Parameters.Any(p => p.Name is "Math" or "MathF" or "System" or "Lanes")) return true;

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (Declares(t, "Math") || Declares(t, "MathF") || Declares(t, "System") || Declares(t, "Lanes")) return true;
            }
        }
        for (var ns = method.ContainingNamespace; ns is not null; ns = ns.ContainingNamespace)
        {
            if (Declares(ns, "Math") || Declares(ns, "MathF") || Declares(ns, "Lanes")) return true;
            if (!ns.IsGlobalNamespace && Declares(ns, "System")) return true;
        }
        return false;
    }
}
