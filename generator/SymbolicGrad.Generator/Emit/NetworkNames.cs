using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Emit;

/// <summary>
/// Every name the code of a model method or a function of vectors introduces (loop variables, locals, views of the
/// inputs, size locals, gradient locals, the private members and the parameters of the ITrainable methods),
/// allocated once for the whole file against the names in scope (<see cref="NameAllocator.ForMethod"/>), so none
/// shadows a user's field or clashes with a parameter. The stored values' names are allocated after these, by
/// <see cref="Schedule"/>, from the same <see cref="Allocator"/>.
/// </summary>
internal sealed class NetworkNames
{
    private readonly Dictionary<int, string> _views = new();
    private readonly Dictionary<int, string> _gradients = new();
    private readonly Dictionary<string, string> _dimensions = new();
    private readonly HashSet<string> _parameters;

    public NetworkNames(MethodModel method, Dag dag, IEnumerable<string> lengths)
    {
        Allocator = NameAllocator.ForMethod(method);
        _parameters = new HashSet<string>(method.Parameters.Where(p => !(p.IsField && !method.IsStatic)).Select(p => NameAllocator.Bare(p.Name)));
        WorkspaceType = method.Name + "Workspace";
        // A field of the workspace class cannot have the class's name.
        Allocator.Reserve(WorkspaceType);

        Row = Allocator.Allocate("r");
        Index = Allocator.Allocate("i");
        Sum = Allocator.Allocate("sum");
        Batch = Allocator.Allocate("batch");
        Workspace = Allocator.Allocate("workspace");
        Total = Allocator.Allocate("total");
        Loss = Allocator.Allocate("loss");
        Labels = Allocator.Allocate("labels");
        Logits = Allocator.Allocate("logits");
        Classes = Allocator.Allocate("classes");
        Correct = Allocator.Allocate("correct");
        Best = Allocator.Allocate("best");
        Targets = Allocator.Allocate("targets");
        AccumulateGradient = Allocator.Allocate("accumulateGradient");
        SampleWeight = Allocator.Allocate(Calculus.ReverseMode.BatchWeight);
        CheckArguments = Allocator.Allocate(GeneratedMembers.CheckArguments(method.Name));
        CachedWorkspaces = Allocator.Allocate(GeneratedMembers.CachedWorkspaces(method.Name, method.IsStatic));

        foreach (var parameter in method.Parameters.Where(p => dag[p.Input].Rank > 0))
        {
            _views[parameter.Input] = Allocator.Allocate(NameAllocator.Bare(parameter.Name) + "Values");
        }
        foreach (var parameter in method.Parameters.Where(p => p.IsField))
        {
            // A model's gradient is a local span of Parameters.Gradients; a function's, a view of its dX parameter.
            _gradients[parameter.Input] = Allocator.Allocate(method.IsStatic ? parameter.GradientName + "Values" : parameter.GradientName);
        }
        foreach (string length in lengths) Dimension(length);

        // Model.Parameters, unless a member or parameter of the user's hides it.
        ParametersAccess = method.IsNetwork && !method.IsStatic && (method.NamesInScope.Contains("Parameters") || _parameters.Contains("Parameters"))
            ? "((global::SymbolicGrad.Model)this).Parameters"
            : "Parameters";
    }

    /// <summary>Hands out the stored values' names next.</summary>
    public NameAllocator Allocator { get; }

    /// <summary>The generated workspace class (public: a clash is SG0017).</summary>
    public string WorkspaceType { get; }

    public string Row { get; }
    public string Index { get; }
    public string Sum { get; }
    public string Batch { get; }
    public string Workspace { get; }
    public string Total { get; }
    public string Loss { get; }
    public string Labels { get; }
    public string Logits { get; }
    public string Classes { get; }
    public string Correct { get; }
    public string Best { get; }
    public string Targets { get; }
    public string AccumulateGradient { get; }

    /// <summary>1/B, each sample's weight in the batch's mean loss: the seed of the backward pass.</summary>
    public string SampleWeight { get; }

    /// <summary>The private argument check of a model's batched passes.</summary>
    public string CheckArguments { get; }

    /// <summary>The private field holding a model's pool of workspaces, or a function's per-thread workspace.</summary>
    public string CachedWorkspaces { get; }

    /// <summary>How the code reads the model's <c>Parameters</c>.</summary>
    public string ParametersAccess { get; }

    /// <summary>The span local viewing a Vec or Mat input or field.</summary>
    public string View(int input) => _views[input];

    /// <summary>The local through which a parameter's gradient is added.</summary>
    public string Gradient(int input) => _gradients[input];

    /// <summary>A generated member called from generated code: <c>this.</c> where a parameter of the same name hides it.</summary>
    public string Member(string name) => _parameters.Contains(name) ? "this." + name : name;

    /// <summary>The local holding a length (<c>W1.Rows</c> → <c>w1Rows</c>).</summary>
    public string Dimension(string length)
    {
        if (_dimensions.TryGetValue(length, out var local)) return local;
        string bare = length.Replace("this.", "");
        var letters = new string(bare.Where(char.IsLetterOrDigit).ToArray());
        string preferred = letters.Length > 0 && char.IsLetter(letters[0]) && !bare.Contains("+")
            ? char.ToLowerInvariant(letters[0]) + letters.Substring(1)
            : "n" + _dimensions.Count;
        local = Allocator.Allocate(preferred);
        _dimensions[length] = local;
        return local;
    }
}
