using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator.Diagnostics;

/// <summary>
/// Every diagnostic SymbolicGrad reports. Ids are stable once shipped; track them in AnalyzerReleases.*.md. This file
/// holds what the generator reports; the declaration rules, which the analyzer reports, are in
/// DiagnosticCatalogue.Declarations.cs, and the factory both use in DiagnosticCatalogue.Factory.cs.
/// </summary>
internal static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error("SG0002",
        "Unsupported return type",
        "'{0}' returns '{1}': {2}");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Error("SG0003",
        "Unsupported parameter type",
        "Parameter '{0}' has type '{1}': {2}");

    public static readonly DiagnosticDescriptor ByRefParameter = Error("SG0004",
        "Parameter passed by reference",
        "Parameter '{0}' is declared '{1}': a [Differentiable] method takes its parameters by value; remove the '{1}' modifier");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error("SG0005",
        "Statement cannot be differentiated",
        "A '{0}' statement cannot be differentiated: write the computation with local declarations, assignments, if/else, loops and return (only work that no differentiable value depends on can move out of the method)");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error("SG0006",
        "Expression cannot be differentiated",
        "'{0}' ({1}) cannot be differentiated: {2}");

    public static readonly DiagnosticDescriptor Lambda = Error("SG0007",
        "Lambda cannot be differentiated",
        "The lambda or anonymous method '{0}' cannot be differentiated: write the computation inline or as a [Differentiable] method");

    public static readonly DiagnosticDescriptor Linq = Error("SG0008",
        "LINQ cannot be differentiated",
        "The LINQ query '{0}' cannot be differentiated: write the computation with arithmetic on locals");

    public static readonly DiagnosticDescriptor Dynamic = Error("SG0009",
        "dynamic cannot be differentiated",
        "'{0}' is dynamic: a [Differentiable] method needs static types (double, float, int, bool, their arrays, and Vec, Mat in a model or a function of vectors)");

    public static readonly DiagnosticDescriptor UnsupportedCall = Error("SG0010",
        "Call to a method that is not differentiable",
        "'{0}' is not differentiable: {1}");

    public static readonly DiagnosticDescriptor WriteOutsideMethod = Error("SG0011",
        "Write to a field, property or static",
        "Assignment to '{0}' writes outside the method: a [Differentiable] method may only assign its own locals and parameters");

    public static readonly DiagnosticDescriptor SideEffectStatement = Error("SG0012",
        "Statement with a side effect",
        "'{0}' has a side effect, which a [Differentiable] method cannot have: remove it or move it out of the method");

    public static readonly DiagnosticDescriptor Recursion = Error("SG0013",
        "Recursion cannot be differentiated",
        "'{0}' calls itself through '{1}': recursion cannot be inlined at compile time; rewrite it without recursion");

    public static readonly DiagnosticDescriptor UnsupportedValueType = Error("SG0018",
        "Unsupported value type",
        "'{0}' has type '{1}': {2}");

    public static readonly DiagnosticDescriptor CalleeHasErrors = Error("SG0019",
        "Callee cannot be differentiated",
        "'{0}' cannot be inlined: {1}");

    public static readonly DiagnosticDescriptor LocalFunction = Error("SG0021",
        "Local function",
        "[Differentiable] local function '{0}' is not supported: make it a static method of a partial type");

    public static readonly DiagnosticDescriptor SwitchMayThrow = Error("SG0030",
        "Switch expression may throw",
        "The switch expression on '{0}' {1}: a differentiated switch is a chain of selects, which cannot throw; end it with a discard arm '_ => …' that gives a value");

    public static readonly DiagnosticDescriptor UnsupportedPattern = Error("SG0031",
        "Pattern cannot be differentiated",
        "The pattern '{0}' ({1}) cannot be differentiated: test a double, float, int or bool value with constant, relational (< <= > >=), 'and', 'or', 'not', 'var' and discard patterns");

    public static readonly DiagnosticDescriptor DeconstructionOfValue = Error("SG0032",
        "Deconstruction of a value that is not a tuple literal",
        "'{0}' is not a tuple literal: a [Differentiable] method deconstructs tuple literals only, as in '(a, b) = (x * y, b)'; write the elements out");

    public static readonly DiagnosticDescriptor MatrixElement = Error("SG0033",
        "Matrix element read",
        "'{0}' reads one element of a matrix, which cannot be differentiated: compute with the whole matrix (W * x), or read an element of a vector (z[i])");

    public static readonly DiagnosticDescriptor UnsupportedMathMember = Error("SG0034",
        "Math member not differentiated",
        "'{0}' calls {1}, which SymbolicGrad does not differentiate: write it with the Math members it differentiates (listed in the README) and arithmetic, or, if it reads no differentiable value, compute it outside and pass it in through a [NoDiff] parameter");

    public static readonly DiagnosticDescriptor ArrayWrite = Error("SG0040",
        "Write to an array parameter",
        "'{0}' writes into '{1}': a [Differentiable] method reads its array and span parameters but does not write them; keep the values in a local instead");

    public static readonly DiagnosticDescriptor LocalArray = Error("SG0041",
        "Local array",
        "'{0}' creates an array: local arrays and stackalloc are not supported in a [Differentiable] method; keep the values in locals, or take the array as a parameter");

    public static readonly DiagnosticDescriptor NonIntIndex = Error("SG0042",
        "Index is not an int",
        "'{0}' indexes with a '{1}': an index must be an int expression");

    public static readonly DiagnosticDescriptor UnsupportedLoop = Error("SG0043",
        "Loop cannot be differentiated",
        "This '{0}' cannot be differentiated: {1}");

    public static readonly DiagnosticDescriptor HessianThroughRule = Error("SG0054",
        "Hessian through a first-order derivative rule",
        "'{0}' asks for second derivatives, but it calls '{1}', whose derivative is the rule '{2}', which gives first derivatives only: remove 'Hessian = true', or remove the rule so that '{1}' is differentiated from its body");

    public static readonly DiagnosticDescriptor DerivedFormKind = Error("SG0055",
        "Forward mode or Hessian asked for an unsupported method",
        "'{0}' asks for {1}, which SymbolicGrad generates for static functions of double and float values, of arrays and of Vec and Mat values, and for model methods (Jvp and Hvp through loops over layers, dropout, batch norm, convolution and max pooling too; Hessian gives the n×n NameHessian where every differentiable parameter is a scalar, and NameHvp, never an n×n Hessian, where one is an array, a Vec or a Mat, or where the method is a model's), not for {2}: remove '{1} = true'");

    public static readonly DiagnosticDescriptor RuleCallUnsupported = Error("SG0056",
        "A derivative rule cannot be used here",
        "'{0}' cannot use the derivative rule '{1}': {2}");

    public static readonly DiagnosticDescriptor ForwardThroughPullback = Error("SG0058",
        "Forward mode through a pullback rule",
        "'{0}' asks for {1}, but it calls '{2}', whose derivative is the pullback rule '{3}': a pullback rule gives no forward derivative (it computes Jᵀ·v, forward mode needs J·t); remove '{1} = true', or remove the rule so that '{2}' is differentiated from its body");

    public static readonly DiagnosticDescriptor CustomLayerForm = Error("SG0057",
        "Custom layer without what generated code needs",
        "'{0}' cannot be computed as the custom layer '{1}': {2}");

    public static readonly DiagnosticDescriptor LayerLoopForm = Error("SG0070",
        "Loop in a model method is not a loop over layers",
        "This '{0}' cannot be differentiated in a model method: {1}; a model method loops over its layers as 'for (int l = 0; l < W.Length; l++)', W a readonly Mat[] or Vec[] field (see docs/diagnostics/SG0070.md)");

    public static readonly DiagnosticDescriptor LayerLoopBody = Error("SG0071",
        "Body of a loop over layers not supported",
        "The loop over layers cannot be differentiated: {0}; its body computes the next value of one carried Vec from it, the layer arrays' elements at the counter and the model's fields, with no break, continue, return or inner loop");

    public static readonly DiagnosticDescriptor LayerElement = Error("SG0072",
        "Layer array read other than at the loop's counter",
        "'{0}' reads layer array '{1}' {2}: a model method reads an element of a layer array only inside its loop over layers, at the loop's counter ('{1}[l]' in 'for (int l = 0; l < {1}.Length; l++)')");

    public static readonly DiagnosticDescriptor ValueFromBeforeLayerLoop = Error("SG0073",
        "Layer reads a value computed before its loop",
        "'{0}' is read inside the loop over layers but comes from before it: a layer reads only the carried Vec '{1}', the layer arrays' elements, the model's fields and the counter; carry it along with '{1}' (Concat), or compute what needs it after the loop");

    public static readonly DiagnosticDescriptor LayerArrayNotReadonly = Error("SG0074",
        "Layer array field is not readonly",
        "Layer array '{0}' is not a readonly field: declare it 'readonly {1}[] {0}' and fill it in the constructor with Parameters.{2}, so the layers are the model's parameters and keep their gradients");
    public static readonly DiagnosticDescriptor NotExportable = Info("SG0080",
        "Prediction cannot be exported to ONNX",
        "The prediction of '{0}' cannot be exported to ONNX: {1}; Onnx.Export will throw NotSupportedException saying so");

    public static readonly DiagnosticDescriptor AmbiguousPrediction = Warning("SG0081",
        "Ambiguous prediction",
        "'{0}' calls its [Prediction] helper {1} with different arguments ({2} different values), so Onnx.Export cannot tell which to export; call it once and reuse the value");
    public static readonly DiagnosticDescriptor LayerOutsideModel = Error("SG0060",
        "Layer outside a model method",
        "'{0}' needs the model's mode (Model.Training){1}: call it in an instance [Differentiable] method of a Model, or in a helper such a method calls");

    public static readonly DiagnosticDescriptor LayerNotField = Error("SG0061",
        "Layer is not a field of the model",
        "'{0}' is not a field of the model: pass the layer itself, a readonly field initialized from Parameters.{1}(…), so that its parameters get their gradients");

    public static readonly DiagnosticDescriptor ShapeNotConstant = Error("SG0062",
        "Image shape is not a constant",
        "'{0}' is not a compile-time constant: {1} must be a positive constant int (a literal or a const), so that the generator knows the image's shape");

    public static readonly DiagnosticDescriptor LayerInLoop = Error("SG0063",
        "Layer inside a loop",
        "'{0}' is inside a loop: dropout, batch normalization, convolution and pooling are supported outside loops only; write each layer's call out");

    public static readonly DiagnosticDescriptor ZeroDerivative = Warning("SG0100",
        "Derivative is zero almost everywhere",
        "'{0}' has a zero derivative almost everywhere, so no gradient flows through it: if one should, use a smooth function instead; if not, apply it to [NoDiff] data");

    public static readonly DiagnosticDescriptor UnusedParameter = Warning("SG0101",
        "Result does not depend on a differentiable parameter",
        "The result of '{0}' does not depend on parameter '{1}': its derivative is always zero; mark it [NoDiff] or use it");

    public static readonly DiagnosticDescriptor NothingToDifferentiate = Warning("SG0102",
        "Nothing to differentiate",
        "'{0}' has nothing to differentiate: {1}, so its gradient is empty; {2}");

    public static readonly DiagnosticDescriptor NotTrainable = Info("SG0103",
        "Model is not trainable by Trainer",
        "'{1}' does not implement ITrainable, so Trainer, Checkpoint and GradientCheck cannot take it: {2}; a model is trainable when its only [Differentiable] method is 'float {0}(Vec x, int label)' (a classifier) or 'float {0}(Vec x, Vec target)', or when it implements ITrainable itself");

    public static readonly DiagnosticDescriptor LoopTape = Info("SG0104",
        "What a loop stores for the backward pass",
        "The backward pass of this '{0}' loop reads {1}");

    public static readonly DiagnosticDescriptor ScalarOfTensorFunction = Warning("SG0105",
        "Scalar parameter of a function of vectors gets no gradient",
        "'{0}' is a float parameter of '{1}', a function of vectors: {1}Gradient adds gradients into buffers for its Vec and Mat parameters only, so '{0}' gets none; mark it [NoDiff] if it is data, or to get its gradient take it as a Vec of length 1, read '{0}[0]', and pass a buffer 'd{2}' of length 1");

    /// <summary>
    /// Whether SymbolicGrad.Analyzers reports <paramref name="id"/> instead of the generator: an information that only
    /// describes the generated code. Any diagnostic a generator reports costs every IDE keystroke Roslyn's suppression
    /// checks on the new compilation; an analyzer's runs in the background.
    /// </summary>
    public static bool ReportedByAnalyzer(string id) => id == LoopTape.Id;

    public static readonly DiagnosticDescriptor InternalError = Error("SG9999",
        "Internal generator error",
        "SymbolicGrad could not compile '{0}': {1}; please report this with the method's source");

    // Built on first use: the order of field initializers across the partial files is unspecified.
    private static Dictionary<string, DiagnosticDescriptor>? byId;

    private static Dictionary<string, DiagnosticDescriptor> ById => byId ??= typeof(DiagnosticCatalogue)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    /// <summary>Every descriptor, for tests and for the catalogue in README.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Find(string id) => ById[id];
}
