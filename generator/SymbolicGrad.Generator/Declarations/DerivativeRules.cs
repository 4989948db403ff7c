using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicGrad.Generator.Frontend;
using SymbolicGrad.Generator.Ir;

namespace SymbolicGrad.Generator.Declarations;

/// <summary>What a derivative rule is the rule of.</summary>
internal enum RuleShape
{
    /// <summary>A function of double/float values: <c>T Rule(&lt;F's parameters&gt;, out T dX …)</c>.</summary>
    Scalar,
    /// <summary>A function returning a Vec (a custom layer): <c>void Rule(&lt;F's parameters&gt;, Vec dResult, Vec/Mat dX …)</c>.</summary>
    Layer,
    /// <summary>A function of which no rule can be (it returns something else).</summary>
    None,
}

/// <summary>One method marked <c>[DerivativeOf]</c>, resolved: the function it names and whether its signature fits.</summary>
internal sealed class RuleDeclaration
{
    public RuleDeclaration(IMethodSymbol rule, AttributeData attribute, INamedTypeSymbol? type, string? functionName, IMethodSymbol? function,
        bool matches, string expected)
    {
        Rule = rule;
        Attribute = attribute;
        Type = type;
        FunctionName = functionName;
        Function = function;
        Matches = matches;
        Expected = expected;
    }

    public IMethodSymbol Rule { get; }

    public AttributeData Attribute { get; }

    /// <summary>The type the rule names (its own when the attribute names none).</summary>
    public INamedTypeSymbol? Type { get; }

    public string? FunctionName { get; }

    /// <summary>The function: the overload whose rule this is, or the first of that name when none fits; null if there is none.</summary>
    public IMethodSymbol? Function { get; }

    /// <summary>Whether the rule's signature is the one its function needs.</summary>
    public bool Matches { get; }

    /// <summary>The signature the rule should have.</summary>
    public string Expected { get; }

    public RuleShape Shape => Function is null ? RuleShape.None : DerivativeRules.ShapeOf(Function);

    /// <summary>For each parameter of the function, whether the rule gives its derivative.</summary>
    public bool[] Differentiable => Function is null ? new bool[0] : Function.Parameters.Select(p => DerivativeRules.GetsDerivative(p, Shape)).ToArray();
}

/// <summary>
/// The <c>[DerivativeOf]</c> rules of a compilation, found once per compilation: from the syntax (methods with an
/// attribute of that name), then bound. Lowering asks it, for each call, whether the callee has a rule; the lowering
/// runs again on every edit of the compilation, so a rule added or changed anywhere is seen. The analyzer asks it
/// whether a function has an earlier rule (SG0051). Compiled into the generator and SymbolicGrad.Analyzers.
/// </summary>
internal sealed class DerivativeRules
{
    private const string AttributeName = "SymbolicGrad.DerivativeOfAttribute";
    private const string NoDiffAttribute = "SymbolicGrad.NoDiffAttribute";

    private static readonly ConditionalWeakTable<Compilation, DerivativeRules> Cache = new();

    private readonly List<RuleDeclaration> _all = new();
    private readonly Dictionary<IMethodSymbol, List<RuleDeclaration>> _byFunction = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, RuleDeclaration> _mismatched = new(SymbolEqualityComparer.Default);

    private DerivativeRules(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetRoot();
            var methods = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
                .OfType<MethodDeclarationSyntax>()
                .Where(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => SimpleName(a.Name) is "DerivativeOf" or "DerivativeOfAttribute"))
                .ToList();
            if (methods.Count == 0) continue;
            var model = compilation.GetSemanticModel(tree);
            foreach (var method in methods)
            {
                if (model.GetDeclaredSymbol(method) is IMethodSymbol symbol && Resolve(symbol) is { } declaration) _all.Add(declaration);
            }
        }
        foreach (var rule in _all.Where(r => r.Matches && r.Function is not null))
        {
            var function = rule.Function!.OriginalDefinition;
            if (!_byFunction.TryGetValue(function, out var list)) _byFunction[function] = list = new List<RuleDeclaration>();
            list.Add(rule);
        }
        foreach (var rule in _all.Where(r => !r.Matches && r.Function is not null))
        {
            var function = rule.Function!.OriginalDefinition;
            if (!_mismatched.ContainsKey(function)) _mismatched[function] = rule;
        }
    }

    public static DerivativeRules Of(Compilation compilation) => Cache.GetValue(compilation, c => new DerivativeRules(c));

    /// <summary>The rule callers of <paramref name="function"/> use (the first in source order), or null.</summary>
    public RuleDeclaration? Find(IMethodSymbol function) =>
        _byFunction.TryGetValue(function.OriginalDefinition, out var rules) ? rules[0] : null;

    /// <summary>
    /// A rule that names <paramref name="function"/> but does not have the signature it needs (SG0050 at the rule),
    /// or null: a caller then says why the rule is not used rather than how to differentiate the function's body.
    /// </summary>
    public RuleDeclaration? FindMismatched(IMethodSymbol function) =>
        _mismatched.TryGetValue(function.OriginalDefinition, out var rule) ? rule : null;

    /// <summary>Every rule with a fitting signature for <paramref name="function"/>, in source order.</summary>
    public IReadOnlyList<RuleDeclaration> RulesOf(IMethodSymbol function) =>
        _byFunction.TryGetValue(function.OriginalDefinition, out var rules) ? rules : new List<RuleDeclaration>();

    /// <summary>The rule's declaration resolved: its function, and whether its signature fits; null when the attribute is not ours or has errors.</summary>
    public static RuleDeclaration? Resolve(IMethodSymbol rule)
    {
        var attribute = rule.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeName);
        if (attribute is null) return null;
        var arguments = attribute.ConstructorArguments;
        var type = arguments.Length == 2 ? arguments[0].Value as INamedTypeSymbol : rule.ContainingType;
        string? name = arguments.Length == 0 ? null : arguments[arguments.Length - 1].Value as string;
        if (type is null || name is null) return new RuleDeclaration(rule, attribute, type, name, null, false, "");
        var candidates = type.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
        if (candidates.Count == 0) return new RuleDeclaration(rule, attribute, type, name, null, false, "");
        var fitting = candidates.FirstOrDefault(f => Fits(rule, f));
        var function = fitting ?? candidates.OrderBy(f => System.Math.Abs(f.Parameters.Length - rule.Parameters.Length)).First();
        return new RuleDeclaration(rule, attribute, type, name, function, fitting is not null, Expected(function, rule.Name));
    }

    public static RuleShape ShapeOf(IMethodSymbol function)
    {
        if (ScalarTypes.KindOf(function.ReturnType) is Ir.ScalarKind.Double or Ir.ScalarKind.Single) return RuleShape.Scalar;
        return TensorTypes.RankOf(function.ReturnType) == 1 ? RuleShape.Layer : RuleShape.None;
    }

    /// <summary>
    /// Whether a parameter of the function gets a derivative from the rule: for a function of values, a double or float
    /// (an out) or an array or span of them (a Span added into); for a layer, a Vec or Mat. Never a [NoDiff] one.
    /// </summary>
    public static bool GetsDerivative(IParameterSymbol parameter, RuleShape shape)
    {
        if (parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NoDiffAttribute)) return false;
        return shape switch
        {
            RuleShape.Scalar => ScalarTypes.KindOf(parameter.Type) is Ir.ScalarKind.Double or Ir.ScalarKind.Single
                || ArrayTypes.ElementKind(parameter.Type) is Ir.ScalarKind.Double or Ir.ScalarKind.Single,
            RuleShape.Layer => TensorTypes.IsTensorType(parameter.Type),
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="rule"/> has exactly the signature a rule of <paramref name="function"/> needs.</summary>
    private static bool Fits(IMethodSymbol rule, IMethodSymbol function)
    {
        var shape = ShapeOf(function);
        if (shape == RuleShape.None || !rule.IsStatic || !function.IsStatic || rule.IsGenericMethod || function.IsGenericMethod) return false;
        var expected = ExpectedParameters(function, shape).ToList();
        if (rule.Parameters.Length != expected.Count) return false;
        var returns = shape == RuleShape.Scalar ? function.ReturnType : null;
        if (returns is null ? !rule.ReturnsVoid : !SymbolEqualityComparer.Default.Equals(rule.ReturnType, returns)) return false;
        for (int k = 0; k < expected.Count; k++)
        {
            var (type, spanOf, refKind, _) = expected[k];
            var actual = rule.Parameters[k];
            if (actual.RefKind != refKind || !SameType(actual.Type, type, spanOf)) return false;
        }
        return true;
    }

    /// <summary>The type, passing and name of each parameter of a rule of <paramref name="function"/>; a Span's type is its element's kind.</summary>
    private static IEnumerable<(ITypeSymbol? Type, ScalarKind? SpanOf, RefKind RefKind, string Name)> ExpectedParameters(IMethodSymbol function, RuleShape shape)
    {
        foreach (var p in function.Parameters) yield return (p.Type, null, p.RefKind, p.Name);
        if (shape == RuleShape.Layer) yield return (function.ReturnType, null, RefKind.None, "dResult");
        foreach (var p in function.Parameters.Where(p => GetsDerivative(p, shape)))
        {
            string name = DeclarationRules.GradientName(p.Name);
            if (shape == RuleShape.Layer) yield return (p.Type, null, RefKind.None, name);
            else if (ArrayTypes.IsArray(p.Type)) yield return (null, ArrayTypes.ElementKind(p.Type), RefKind.None, name);
            else yield return (p.Type, null, RefKind.Out, name);
        }
    }

    private static bool SameType(ITypeSymbol actual, ITypeSymbol? expected, ScalarKind? spanOf) => expected is not null
        ? SymbolEqualityComparer.Default.Equals(actual, expected)
        : actual is INamedTypeSymbol { Name: "Span", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } named
            && ScalarTypes.KindOf(named.TypeArguments[0]) == spanOf;

    /// <summary>The signature a rule named <paramref name="ruleName"/> of <paramref name="function"/> must have, as C# (for messages).</summary>
    public static string Expected(IMethodSymbol function, string ruleName)
    {
        var shape = ShapeOf(function);
        if (shape == RuleShape.None)
        {
            return $"a rule of a function returning double, float or Vec ('{function.Name}' returns {function.ReturnType.ToDisplayString()})";
        }
        var (returns, parameters) = Signature(function, shape, SymbolDisplayFormat.MinimallyQualifiedFormat, "Span");
        string prefix = function.IsStatic ? "" : $"a rule of a static function (make '{function.Name}' static): ";
        return prefix + $"static {returns} {ruleName}({parameters})";
    }

    /// <summary>
    /// The return type and parameter list (without parentheses) a rule of <paramref name="function"/> must have, with
    /// fully qualified types (for the code fix, which simplifies them); null when no rule signature fits it (a function
    /// that is not static, or returns neither double, float nor Vec).
    /// </summary>
    public static (string ReturnType, string Parameters)? ExpectedDeclaration(IMethodSymbol function)
    {
        var shape = ShapeOf(function);
        if (shape == RuleShape.None || !function.IsStatic || function.IsGenericMethod) return null;
        return Signature(function, shape, SymbolDisplayFormat.FullyQualifiedFormat, "global::System.Span");
    }

    private static (string ReturnType, string Parameters) Signature(IMethodSymbol function, RuleShape shape, SymbolDisplayFormat format, string span)
    {
        string returns = shape == RuleShape.Scalar ? function.ReturnType.ToDisplayString(format) : "void";
        var parameters = ExpectedParameters(function, shape).Select(p =>
            Passing(p.RefKind) + (p.Type is { } type ? type.ToDisplayString(format) : span + "<" + p.SpanOf!.Value.Keyword() + ">") + " " + Identifier(p.Name));
        return (returns, string.Join(", ", parameters));
    }

    /// <summary>The name as C# writes it (<c>@in</c> for a parameter named with a keyword).</summary>
    private static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    private static string Passing(RefKind refKind) => refKind switch
    {
        RefKind.Out => "out ",
        RefKind.Ref => "ref ",
        RefKind.In => "in ",
        RefKind.RefReadOnlyParameter => "ref readonly ",
        _ => "",
    };

    private static string? SimpleName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => null,
    };
}
