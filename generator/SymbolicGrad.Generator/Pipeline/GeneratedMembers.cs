using System.Collections.Generic;

namespace SymbolicGrad.Generator.Pipeline;

/// <summary>
/// The members generated code adds to the user's type for one [Differentiable] method. The public ones are the
/// contract (a clash is SG0017); the private ones are preferred names, allocated against the names in scope.
/// Every name starts with the method's name or is <c>_</c> + it, so two methods never want the same one.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>What a method generates: its gradient only (scalar), the function and its workspace (tensor), or a model's members.</summary>
    public static IEnumerable<string> Public(MethodKind kind, string method)
    {
        yield return method + "Gradient";
        if (kind == MethodKind.ScalarFunction) yield break;
        yield return method + "Workspace";
        if (kind == MethodKind.TensorFunction) yield break;
        yield return method + "GradientBatch";
        yield return method + "Batch";
        yield return method + "Forward";
        yield return method + "Backward";
        yield return method + "ForwardBatch";
        yield return method + "BackwardBatch";
    }

    /// <summary>The Mermaid text of the method's graph, with [Differentiable(Graph = true)].</summary>
    public static string Graph(string method) => method + "Graph";

    /// <summary>The argument check shared by a model's batched passes.</summary>
    public static string CheckArguments(string method) => method + "CheckArguments";

    /// <summary>A model's check, before its gradient does any work, that every weight it adds a gradient to is a parameter.</summary>
    public static string CheckWeights(string method) => method + "CheckWeights";

    /// <summary>A model's backward pass without the argument check, for the gradient call whose forward pass made it.</summary>
    public static string BackwardUnchecked(string method) => method + "BackwardUnchecked";

    /// <summary>The workspaces a model keeps for its convenience methods (a pool), or a tensor function's per-thread one.</summary>
    public static string CachedWorkspaces(MethodKind kind, string method) => "_" + method + (kind == MethodKind.ModelMethod ? "Workspaces" : "Workspace");

    /// <summary>The class of what a scalar function's loops keep for the backward pass.</summary>
    public static string TapeType(string method) => method + "Tape";

    /// <summary>A scalar function's per-thread tape.</summary>
    public static string CachedTape(string method) => "_" + method + "Tape";

    /// <summary>Every name any kind of method could generate, for reserving the names of another method of the type.</summary>
    public static IEnumerable<string> All(string method)
    {
        foreach (string name in Public(MethodKind.ModelMethod, method)) yield return name;
        yield return Graph(method);
        yield return CheckArguments(method);
        yield return CheckWeights(method);
        yield return BackwardUnchecked(method);
        yield return CachedWorkspaces(MethodKind.ModelMethod, method);
        yield return CachedWorkspaces(MethodKind.TensorFunction, method);
        yield return TapeType(method);
        yield return CachedTape(method);
    }
}
