using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SymbolicGrad.Generator.Calculus;
using SymbolicGrad.Generator.Graph;
using SymbolicGrad.Generator.Model;

namespace SymbolicGrad.Generator.Emit;

/// <summary>
/// Writes the code of a model method (a loss over the model's Vec/Mat fields). Everything is written once, for a
/// batch of B samples (one row each): matrix–vector products become matrix–matrix kernels, element-wise work one
/// loop per stored value, and the per-sample methods run the batch code with B = 1. Every stored value lives in a
/// workspace that is allocated on first use and reused, so calls after the first allocate nothing: a model keeps a
/// pool of them, so its convenience methods can run on several threads at once, and adds each parameter's gradient
/// under <c>Parameters.GradientLock</c>; a function of vectors keeps one per thread. Every name the code introduces
/// comes from <see cref="NetworkNames"/>.
/// </summary>
internal sealed class NetworkEmitter
{
    private const string Runtime = "global::SymbolicGrad";

    private readonly GradientModel _model;
    private readonly MethodModel _method;
    private readonly Dag _dag;
    private readonly Schedule _schedule;
    private readonly ExpressionPrinter _math;
    private readonly NetworkNames _names;
    private readonly List<(int Parameter, List<(int Term, bool Negated)> Terms)> _gradients = new();
    private readonly string _workspaceType;
    /// <summary>Values written in place over an operand that is not read again: value → the operand.</summary>
    private readonly Dictionary<int, int> _takesOver;
    /// <summary>How the code names the runtime's SIMD lanes: a short alias unless the user's code declares the name.</summary>
    private readonly string _lanes;
    private readonly string _version;

    private NetworkEmitter(GradientModel model, string version)
    {
        _model = model;
        _method = model.Method;
        _dag = model.Graph;
        _version = version;
        _names = new NetworkNames(_method, _dag, Lengths());
        _workspaceType = _names.WorkspaceType;
        _lanes = _method.QualifyMath ? Runtime + ".CompilerServices.Lanes" : "Lanes";

        var fields = _method.Parameters.Where(p => p.IsField).ToList();
        var uses = Schedule.CountUses(model);
        var excluded = new HashSet<int>();
        var forced = new HashSet<int>();
        for (int k = 0; k < fields.Count; k++)
        {
            var terms = new List<(int, bool)>();
            Flatten(model.Gradients[k], false, terms, uses, excluded);
            _gradients.Add((fields[k].Input, terms));
            foreach (var (term, _) in terms)
            {
                var n = _dag[term];
                // Σ g·xᵀ and Σ_batch e go straight into the gradient; their operands must be stored.
                if ((n.Op == Op.Outer || (n.Op == Op.ReduceBatch && n.Rank == _dag[fields[k].Input].Rank)) && uses[term] == 1)
                {
                    excluded.Add(term);
                    foreach (int arg in n.Args) Store(arg, forced);
                }
            }
        }
        var reachable = _dag.Reachable(new[] { _method.Output }.Concat(model.Gradients));
        for (int id = 0; id < _dag.Count; id++)
        {
            if (!reachable[id] || excluded.Contains(id)) continue;
            var n = _dag[id];
            if (n.Op.IsStructural()) forced.Add(id);
            // Kernels and indexed reads need their operands in memory.
            switch (n.Op)
            {
                case Op.MatVec or Op.MatTVec: Store(n[1], forced); break;
                case Op.Outer: Store(n[0], forced); Store(n[1], forced); break;
                case Op.LogSumExp or Op.Pick or Op.Slice: Store(n[0], forced); break;
                case Op.ReduceBatch when n.Rank == 1: Store(n[0], forced); break;
            }
        }
        forced.Add(_method.Output);
        // A condition on vectors is recomputed where it is used rather than kept in a bool buffer: a comparison costs
        // less than the memory, and its loops stay vectorized.
        for (int id = 0; id < _dag.Count; id++)
        {
            if (reachable[id] && _dag[id].Kind == ScalarKind.Boolean && _dag[id].Rank > 0 && !forced.Contains(id)) excluded.Add(id);
        }
        _schedule = Schedule.Create(model, forced, excluded, _names.Allocator);
        // The comments name 1/B as the code does (sampleWeight2 where the user's code takes sampleWeight).
        _math = ExpressionPrinter.Math(_schedule, node => _dag[node] is { Op: Op.External, Name: ReverseMode.BatchWeight } ? _names.SampleWeight : null);
        var readAtEnd = new List<int> { _method.Output };
        readAtEnd.AddRange(_gradients.SelectMany(g => g.Terms.Select(t => t.Term)));
        if (Logits() is int logits) readAtEnd.Add(logits);
        _takesOver = BufferSharing.Plan(_dag, _schedule, readAtEnd, node => !_dag[node].Op.IsStructural() && _dag[node].Rank == 1);
    }

    public static string Write(GradientModel model, string version)
    {
        var emitter = new NetworkEmitter(model, version);
        return model.Method.IsStatic ? emitter.WriteFunction() : emitter.Write();
    }

    private void Store(int node, HashSet<int> forced)
    {
        if (_dag[node].Arity > 0) forced.Add(node);
    }

    /// <summary>A gradient as a sum of terms (so each kernel adds its part into the gradient).</summary>
    private void Flatten(int node, bool negated, List<(int, bool)> terms, int[] uses, HashSet<int> excluded)
    {
        var n = _dag[node];
        if (n.Op is Op.Add or Op.Sub && uses[node] == 1 && n.Rank == _dag[n[0]].Rank && n.Rank == _dag[n[1]].Rank)
        {
            excluded.Add(node);
            Flatten(n[0], negated, terms, uses, excluded);
            Flatten(n[1], n.Op == Op.Sub ? !negated : negated, terms, uses, excluded);
            return;
        }
        if (n.Op == Op.Neg && uses[node] == 1)
        {
            excluded.Add(node);
            Flatten(n[0], !negated, terms, uses, excluded);
            return;
        }
        terms.Add((node, negated));
    }

    private string Write()
    {
        var text = new StringWriter();
        var w = new IndentedTextWriter(text, "    ");
        string signature = string.Join(", ", _method.Parameters.Where(p => !p.IsField).Select(p => SampleTypeOf(p) + " " + p.Name));
        string batchSignature = string.Join(", ", _method.Parameters.Where(p => !p.IsField).Select(p => BatchType(p) + " " + p.Name));
        string sampleArguments = string.Join(", ", _method.Parameters.Where(p => !p.IsField).Select(SampleToBatch));
        string batchArguments = string.Join(", ", _method.Parameters.Where(p => !p.IsField).Select(p => p.Name));
        string cref = _method.DocumentationId;
        string name = _method.Name;
        string workspace = _names.Workspace, pool = _names.CachedWorkspaces;
        string forwardBatch = _names.Member(name + "ForwardBatch"), backwardBatch = _names.Member(name + "BackwardBatch");
        const string threads = "Safe to call from several threads at once: each call takes a workspace of its own from the model's pool, and adds each parameter's gradient under <c>Parameters.GradientLock</c>.";

        WriteHeader(w, $"{name}, per sample and per batch");
        WriteWorkspace(w, cref);
        if (_method.Trainable != TrainableKind.None) WriteTrainable(w);
        w.WriteLine($"/// <summary>Workspaces for the methods that do not take one: one per call in flight, reused.</summary>");
        w.WriteLine($"private readonly {Runtime}.CompilerServices.WorkspacePool<{_workspaceType}> {pool} = new();");
        w.WriteLineNoTabs(string.Empty);
        Doc(w, $"Computes <see cref=\"{cref}\"/> for one sample and adds its gradient with respect to the model's parameters into <c>Parameters.Gradients</c>. {threads}", "The loss.");
        w.WriteLine($"public float {name}Gradient({signature}) => {_names.Member(name + "GradientBatch")}({sampleArguments});");
        w.WriteLineNoTabs(string.Empty);
        Doc(w, $"Computes <see cref=\"{cref}\"/> for a batch (one sample per row) and adds the gradient of the mean loss into <c>Parameters.Gradients</c>. {threads}", "The mean loss over the batch.");
        w.WriteLine($"public float {name}GradientBatch({batchSignature})");
        WithPooledWorkspace(w, () =>
        {
            w.WriteLine($"float {_names.Loss} = {forwardBatch}({workspace}, {batchArguments});");
            w.WriteLine($"{backwardBatch}({workspace}, {batchArguments});");
            w.WriteLine($"return {_names.Loss};");
        });
        w.WriteLineNoTabs(string.Empty);
        Doc(w, $"Computes the mean of <see cref=\"{cref}\"/> over a batch (one sample per row), without gradients. Safe to call from several threads at once.", "The mean loss over the batch.");
        w.WriteLine($"public float {name}Batch({batchSignature})");
        WithPooledWorkspace(w, () => w.WriteLine($"return {forwardBatch}({workspace}, {batchArguments});"));
        w.WriteLineNoTabs(string.Empty);
        Doc(w, $"The forward pass of <see cref=\"{cref}\"/> for one sample, keeping its intermediate values in <paramref name=\"{Bare(workspace)}\"/>.", "The loss.");
        w.WriteLine($"public float {name}Forward({_workspaceType} {workspace}, {signature}) => {forwardBatch}({workspace}, {sampleArguments});");
        w.WriteLineNoTabs(string.Empty);
        Doc(w, $"The backward pass of <see cref=\"{cref}\"/> for one sample, after <c>{name}Forward</c> with the same arguments: adds the gradient into <c>Parameters.Gradients</c>.", null);
        w.WriteLine($"public void {name}Backward({_workspaceType} {workspace}, {signature}) => {backwardBatch}({workspace}, {sampleArguments});");
        w.WriteLineNoTabs(string.Empty);

        WriteForward(w, batchSignature, batchArguments, cref);
        w.WriteLineNoTabs(string.Empty);
        WriteBackward(w, batchSignature, batchArguments, cref);
        w.WriteLineNoTabs(string.Empty);
        WriteCheckMethod(w, batchSignature, cref);
        WriteFooter(w);
        w.Flush();
        return text.ToString();
    }

    /// <summary>A method body that rents a workspace from the model's pool for <paramref name="body"/> and returns it after.</summary>
    private void WithPooledWorkspace(IndentedTextWriter w, System.Action body)
    {
        w.WriteLine("{");
        w.Indent++;
        w.WriteLine($"var {_names.Workspace} = {_names.CachedWorkspaces}.Rent();");
        w.WriteLine("try");
        Block(w, true, body);
        w.WriteLine("finally");
        Block(w, true, () => w.WriteLine($"{_names.CachedWorkspaces}.Return({_names.Workspace});"));
        w.Indent--;
        w.WriteLine("}");
    }

    private static string Bare(string name) => NameAllocator.Bare(name);

    private void WriteHeader(IndentedTextWriter w, string what)
    {
        w.WriteLine("// <auto-generated/>");
        w.WriteLine($"// SymbolicGrad {_version}: reverse-mode gradient of {string.Join(".", _method.ContainingTypes.Select(t => t.Name))}.{what}.");
        w.WriteLine($"// Forward pass: {_schedule.ForwardOperations} operations; backward pass: {_schedule.BackwardOperations} operations.");
        w.WriteLine("#nullable enable");
        w.WriteLine("#pragma warning disable CS1718");
        w.WriteLineNoTabs(string.Empty);
        if (_method.Namespace is not null)
        {
            w.WriteLine($"namespace {_method.Namespace}");
            w.WriteLine("{");
            w.Indent++;
        }
        if (!_method.QualifyMath)
        {
            w.WriteLine("using System;");
            w.WriteLine($"using Lanes = {Runtime}.CompilerServices.Lanes;");
        }
        else
        {
            w.WriteLine("using global::System; // for AsSpan; Math and the rest are written in full");
        }
        w.WriteLineNoTabs(string.Empty);
        for (int k = 0; k < _method.ContainingTypes.Count; k++)
        {
            var containing = _method.ContainingTypes[k];
            bool model = k == _method.ContainingTypes.Count - 1 && _method.Trainable != TrainableKind.None;
            w.WriteLine($"partial {containing.Keyword} {containing.Name}{(model ? " : " + Runtime + ".ITrainable" : "")}");
            w.WriteLine("{");
            w.Indent++;
        }
    }

    private void WriteFooter(IndentedTextWriter w)
    {
        foreach (var _ in _method.ContainingTypes)
        {
            w.Indent--;
            w.WriteLine("}");
        }
        if (_method.Namespace is not null)
        {
            w.Indent--;
            w.WriteLine("}");
        }
    }

    /// <summary>
    /// A static function of vectors and matrices: <c>NameGradient(&lt;same parameters&gt;, dX …)</c> adds the gradient
    /// into one buffer per differentiable Vec/Mat parameter. Its workspace is per thread.
    /// </summary>
    private string WriteFunction()
    {
        var text = new StringWriter();
        var w = new IndentedTextWriter(text, "    ");
        string name = _method.Name;
        string cached = _names.CachedWorkspaces;
        var differentiable = _method.Parameters.Where(p => p.IsField).ToList();
        var parameters = _method.Parameters.Select(p => TypeOf(p) + " " + p.Name)
            .Concat(differentiable.Select(p => TypeOf(p) + " " + p.GradientName));
        WriteHeader(w, $"{name}, into gradient buffers");
        WriteWorkspace(w, _method.DocumentationId);
        // One workspace per thread: the function can run on several threads at once (into gradient buffers of their own).
        w.WriteLine("[global::System.ThreadStatic]");
        w.WriteLine($"private static {_workspaceType}? {cached};");
        w.WriteLineNoTabs(string.Empty);
        string wrt = string.Join(", ", differentiable.Select(p => $"<paramref name=\"{p.Name.TrimStart('@')}\"/>"));
        Doc(w, $"Computes <see cref=\"{_method.DocumentationId}\"/> and adds its gradient with respect to {wrt} into {string.Join(", ", differentiable.Select(p => $"<paramref name=\"{p.GradientName}\"/>"))}.", "The value.");
        w.WriteLine($"{_method.Accessibility} static float {name}Gradient({string.Join(", ", parameters)})");
        w.WriteLine("{");
        w.Indent++;
        w.WriteLine($"var {_names.Workspace} = {cached} ??= new {_workspaceType}();");
        WritePrologue(w);
        foreach (var p in differentiable)
        {
            string same = _dag[p.Input].Rank == 2 ? $"{p.GradientName}.Rows != {p.Name}.Rows || {p.GradientName}.Cols != {p.Name}.Cols" : $"{p.GradientName}.Length != {p.Name}.Length";
            w.WriteLine($"if ({same}) throw new global::System.ArgumentException(\"{name}: {Bare(p.GradientName)} must have the shape of {Bare(p.Name)}.\", \"{Bare(p.GradientName)}\");");
        }
        w.WriteLineNoTabs(string.Empty);
        w.WriteLine("// Forward pass.");
        foreach (var value in _schedule.Forward)
        {
            Bind(w, value, grow: true);
            WriteValue(w, value);
        }
        w.WriteLineNoTabs(string.Empty);
        w.WriteLine($"// Backward pass: each dName holds ∂f/∂name; each parameter's gradient is added into its buffer once its terms are ready.");
        WriteGradients(w, p => $"{p.GradientName}.Span", throughStore: false);
        w.WriteLine($"return {Access(_method.Output, "0", "0")};");
        w.Indent--;
        w.WriteLine("}");
        WriteFooter(w);
        w.Flush();
        return text.ToString();
    }

    private string TypeOf(ParameterInfo p) => _dag[p.Input].Rank switch
    {
        1 => Runtime + ".Vec",
        2 => Runtime + ".Mat",
        _ => p.Kind.Keyword(),
    };

    /// <summary>
    /// Adds each parameter's gradient terms into its buffer; <paramref name="throughStore"/> (a model's parameters) hands
    /// every term to the parameter store instead, so a trainer can apply the optimizer's update as it arrives, under
    /// <c>Parameters.GradientLock</c>, so calls on several threads add one at a time.
    /// </summary>
    private void WriteGradients(IndentedTextWriter w, System.Func<ParameterInfo, string> target, bool throughStore)
    {
        // Each parameter's gradient is added as soon as the values it reads are ready, as hand-written backprop does
        // layer by layer: δ and the layer's input are still in cache for ∂W += δ·xᵀ.
        var fields = _method.Parameters.Where(p => p.IsField).ToList();
        var ready = new int[_gradients.Count];
        for (int k = 0; k < _gradients.Count; k++)
        {
            ready[k] = -1;
            foreach (var (term, _) in _gradients[k].Terms)
            {
                foreach (var (node, _) in BufferSharing.Reads(_dag, _schedule, term).Append((term, true)))
                {
                    ready[k] = System.Math.Max(ready[k], _schedule.Backward.FindIndex(v => v.Node == node));
                }
            }
        }
        for (int at = -1; at < _schedule.Backward.Count; at++)
        {
            if (at >= 0)
            {
                Bind(w, _schedule.Backward[at], grow: true);
                WriteValue(w, _schedule.Backward[at]);
            }
            for (int k = 0; k < _gradients.Count; k++)
            {
                var (parameter, terms) = _gradients[k];
                if (ready[k] != at || terms.Count == 0) continue;
                string field = Bare(_dag[parameter].Name!);
                string gradient = _names.Gradient(parameter);
                string math = $"∂{_schedule.ResultName}/∂{field} = {string.Join(" + ", terms.Select(t => (t.Negated ? "−" : "") + _math.Print(t.Term)))}";
                if (!throughStore)
                {
                    w.WriteLine($"var {gradient} = {target(fields[k])}; // {math}");
                    foreach (var (term, negated) in terms) WriteGradientTerm(w, parameter, gradient, term, negated);
                    continue;
                }
                // The store adds the kernel terms (or applies them as the optimizer's update); element-wise terms go into
                // the gradient buffer it hands out. One call at a time per model.
                w.WriteLine($"// {math}");
                w.WriteLine($"lock ({_names.ParametersAccess}.GradientLock)");
                var field0 = fields[k];
                Block(w, true, () =>
                {
                    bool declared = false;
                    foreach (var (term, negated) in terms)
                    {
                        if (WriteStoreTerm(w, field0.Name, parameter, term, negated)) continue;
                        if (!declared) w.WriteLine($"var {gradient} = {target(field0)};");
                        declared = true;
                        WriteGradientTerm(w, parameter, gradient, term, negated);
                    }
                });
            }
        }
    }

    /// <summary>ITrainable, so that <c>Trainer</c>, <c>Checkpoint</c> and <c>GradientCheck</c> work with the model.</summary>
    private void WriteTrainable(IndentedTextWriter w)
    {
        var inputs = _method.Parameters.Where(p => !p.IsField).ToList();
        string x = inputs[0].Name;
        string targets = _names.Targets, accumulate = _names.AccumulateGradient;
        string values = _method.Trainable == TrainableKind.Labels ? $"{targets}.Labels" : $"{targets}.Values";
        string name = _method.Name;
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine($"float {Runtime}.ITrainable.BatchLoss({Runtime}.Mat {x}, in {Runtime}.BatchTargets {targets}, bool {accumulate}) =>");
        w.WriteLine($"    {accumulate} ? {_names.Member(name + "GradientBatch")}({x}, {values}) : {_names.Member(name + "Batch")}({x}, {values});");
        w.WriteLineNoTabs(string.Empty);
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine($"bool {Runtime}.ITrainable.SupportsFusedUpdate => true; // every gradient term goes through Parameters");
        w.WriteLineNoTabs(string.Empty);
        w.WriteLine("/// <inheritdoc/>");
        w.WriteLine($"int {Runtime}.ITrainable.CountCorrect({Runtime}.Mat {x}, in {Runtime}.BatchTargets {targets})");
        // The logits are the vector whose element at the label the loss picks (softmax cross-entropy).
        if (_method.Trainable != TrainableKind.Labels || Logits() is not int logits)
        {
            Block(w, true, () => w.WriteLine("return -1; // not a classifier: the loss picks no logit by label"));
            w.WriteLineNoTabs(string.Empty);
            return;
        }
        string buffer = Field(logits);
        string labels = _names.Labels, classes = _names.Classes, scores = _names.Logits, correct = _names.Correct, best = _names.Best;
        string r = _names.Row, i = _names.Index, workspace = _names.Workspace;
        WithPooledWorkspace(w, () =>
        {
            w.WriteLine($"var {labels} = {targets}.Labels;");
            w.WriteLine($"{_names.Member(name + "ForwardBatch")}({workspace}, {x}, {labels});");
            w.WriteLine($"int {classes} = {_dag[logits].Shape!.Length};");
            w.WriteLine($"float[] {scores} = {workspace}.{buffer};");
            w.WriteLine($"int {correct} = 0;");
            w.WriteLine($"for (int {r} = 0; {r} < {labels}.Length; {r}++)");
            Block(w, true, () =>
            {
                w.WriteLine($"int {best} = 0;");
                w.WriteLine($"for (int {i} = 1; {i} < {classes}; {i}++) if ({scores}[{r} * {classes} + {i}] > {scores}[{r} * {classes} + {best}]) {best} = {i};");
                w.WriteLine($"if ({best} == {labels}[{r}]) {correct}++;");
            });
            w.WriteLine($"return {correct};");
        });
        w.WriteLineNoTabs(string.Empty);
    }

    /// <summary>The logits: the vector whose element at the label the loss picks (softmax cross-entropy), if any.</summary>
    private int? Logits()
    {
        for (int id = 0; id < _dag.Count; id++)
        {
            var n = _dag[id];
            if (n.Op == Op.Pick && _dag[n[1]].Op == Op.Input && _schedule.Variables.ContainsKey(n[0]) && _dag[n[0]].Rank == 1) return n[0];
        }
        return null;
    }

    /// <summary>The workspace field holding a stored value (that of the operand it overwrote, if it did).</summary>
    private string Field(int node)
    {
        while (_takesOver.TryGetValue(node, out int operand)) node = operand;
        return _schedule.Variables[node].Name;
    }

    private static void Doc(IndentedTextWriter w, string summary, string? returns)
    {
        w.WriteLine($"/// <summary>{summary}</summary>");
        if (returns is not null) w.WriteLine($"/// <returns>{returns}</returns>");
        w.WriteLine($"[global::System.CodeDom.Compiler.GeneratedCode(\"SymbolicGrad\", \"{SourceEmitterVersion.Value}\")]");
    }

    private void WriteWorkspace(IndentedTextWriter w, string cref)
    {
        w.WriteLine($"/// <summary>The buffers of <see cref=\"{cref}\"/>'s forward and backward passes, grown to the largest batch seen and then reused.</summary>");
        w.WriteLine($"public sealed class {_workspaceType}");
        w.WriteLine("{");
        w.Indent++;
        foreach (var value in _schedule.Forward.Concat(_schedule.Backward).Where(v => !_takesOver.ContainsKey(v.Node)))
        {
            string type = _dag[value.Node].Kind.Keyword();
            w.WriteLine($"internal {type}[] {value.Name} = global::System.Array.Empty<{type}>();");
        }
        w.Indent--;
        w.WriteLine("}");
        w.WriteLineNoTabs(string.Empty);
    }

    private string SampleTypeOf(ParameterInfo p) => _dag[p.Input].Rank == 1 ? Runtime + ".Vec" : p.Kind.Keyword();

    private string BatchType(ParameterInfo p) => _dag[p.Input].Rank == 1 ? Runtime + ".Mat" : $"global::System.ReadOnlySpan<{p.Kind.Keyword()}>";

    private string SampleToBatch(ParameterInfo p) => _dag[p.Input].Rank == 1
        ? $"new {Runtime}.Mat({p.Name}.Array, {p.Name}.Offset, 1, {p.Name}.Length)"
        : $"new global::System.ReadOnlySpan<{p.Kind.Keyword()}>(in {p.Name})";

    // ---- Method bodies ------------------------------------------------------------------------

    private void WriteForward(IndentedTextWriter w, string batchSignature, string batchArguments, string cref)
    {
        string workspace = _names.Workspace, r = _names.Row, batch = _names.Batch, total = _names.Total;
        Doc(w, $"The forward pass of <see cref=\"{cref}\"/> for a batch (one sample per row), keeping its intermediate values in <paramref name=\"{Bare(workspace)}\"/>.", "The mean loss over the batch.");
        w.WriteLine($"public float {_method.Name}ForwardBatch({_workspaceType} {workspace}, {batchSignature})");
        WritePass(w, batchArguments, Enumerable.Empty<ScheduledValue>(), body =>
        {
            body.WriteLine($"// Forward pass, for every sample {r} of the batch.");
            foreach (var value in _schedule.Forward)
            {
                Bind(body, value, grow: true);
                WriteValue(body, value);
            }
            body.WriteLine($"float {total} = 0f;");
            body.WriteLine($"for (int {r} = 0; {r} < {batch}; {r}++) {total} += {Access(_method.Output, r, "0")};");
            body.WriteLine($"return {total} / {batch};");
        });
    }

    private void WriteBackward(IndentedTextWriter w, string batchSignature, string batchArguments, string cref)
    {
        Doc(w, $"The backward pass of <see cref=\"{cref}\"/> for a batch, after <c>{_method.Name}ForwardBatch</c> with the same arguments: adds the gradient of the mean loss into <c>Parameters.Gradients</c>.", null);
        w.WriteLine($"public void {_method.Name}BackwardBatch({_workspaceType} {_names.Workspace}, {batchSignature})");
        // The forward values the backward pass reads (those overwritten in place are gone).
        var overwritten = new HashSet<int>(_takesOver.Values);
        WritePass(w, batchArguments, _schedule.Forward.Where(v => !overwritten.Contains(v.Node)), body =>
        {
            body.WriteLine($"// Backward pass: each dName holds ∂L/∂name, L the mean loss; each parameter's gradient is added into");
            body.WriteLine($"// Parameters.Gradients once its terms are ready, under the lock that makes concurrent calls add one at a time.");
            WriteGradients(body, p => $"{_names.ParametersAccess}.GradientToAdd({p.Name})", throughStore: true);
        });
    }

    /// <summary>
    /// The body of a pass after the shared argument check, declaring only the sizes, views and forward values
    /// (<paramref name="reads"/>) its code uses: the body is written first, then its declarations before it.
    /// </summary>
    private void WritePass(IndentedTextWriter w, string batchArguments, IEnumerable<ScheduledValue> reads, System.Action<IndentedTextWriter> writeBody)
    {
        w.WriteLine("{");
        w.Indent++;
        var text = new StringWriter();
        var body = new IndentedTextWriter(text, "    ") { Indent = w.Indent };
        writeBody(body);
        body.Flush();
        string code = text.ToString();
        bool Uses(string name) => System.Text.RegularExpressions.Regex.IsMatch(code, @"(?<![\w@.])" + System.Text.RegularExpressions.Regex.Escape(name) + @"\b");

        w.WriteLine($"{_names.Member(_names.CheckArguments)}({batchArguments});");
        if (BatchInput() is { } first) w.WriteLine($"int {_names.Batch} = {BatchCount(first)};");
        foreach (var length in Lengths().Where(l => Uses(Dimension(l)))) w.WriteLine($"int {Dimension(length)} = {length};");
        foreach (var parameter in _method.Parameters.Where(p => _dag[p.Input].Rank > 0 && Uses(_names.View(p.Input))))
        {
            w.WriteLine($"var {_names.View(parameter.Input)} = {parameter.Name}.Span;");
        }
        if (Uses(_names.SampleWeight)) w.WriteLine($"float {_names.SampleWeight} = 1f / {_names.Batch}; // each sample's share of the mean loss");
        foreach (var value in reads.Where(v => Uses(v.Name))) Bind(w, value, grow: false);
        w.WriteLineNoTabs(string.Empty);
        w.InnerWriter.Write(code);
        w.Indent--;
        w.WriteLine("}");
    }

    /// <summary>Sizes, shape checks and views of the inputs, in one method (a static function's).</summary>
    private void WritePrologue(IndentedTextWriter w)
    {
        WriteChecks(w, declareSizes: true);
        WriteViews(w);
    }

    private void WriteCheckMethod(IndentedTextWriter w, string batchSignature, string cref)
    {
        w.WriteLine($"/// <summary>Throws if the arguments of <see cref=\"{cref}\"/>'s batched passes do not fit together or the model: batch sizes, vector lengths, labels.</summary>");
        w.WriteLine($"private void {_names.CheckArguments}({batchSignature})");
        w.WriteLine("{");
        w.Indent++;
        WriteChecks(w, declareSizes: false);
        w.Indent--;
        w.WriteLine("}");
    }

    private ParameterInfo? BatchInput() => _method.Parameters.Where(p => !p.IsField).FirstOrDefault(p => _dag[p.Input].Batched);

    /// <summary>The batch size, the sizes of the inputs and parameters (as locals if asked), and every check of them.</summary>
    private void WriteChecks(IndentedTextWriter w, bool declareSizes)
    {
        // With one sample (nothing batched), no code refers to a batch size.
        var first = BatchInput();
        if (first is not null)
        {
            string batch = _names.Batch;
            w.WriteLine($"int {batch} = {BatchCount(first)};");
            w.WriteLine($"if ({batch} == 0) throw new global::System.ArgumentException(\"{_method.Name}: the batch is empty.\", \"{Bare(first.Name)}\");");
            foreach (var input in _method.Parameters.Where(p => !p.IsField && p != first))
            {
                w.WriteLine($"if ({BatchCount(input)} != {batch}) throw new global::System.ArgumentException($\"{_method.Name}: {Bare(input.Name)} has {{{BatchCount(input)}}} samples but {Bare(first.Name)} has {{{batch}}}.\", \"{Bare(input.Name)}\");");
            }
        }
        if (!declareSizes)
        {
            // The checks read the lengths straight from the arguments and fields.
            WriteShapeChecks(w, length => length.IndexOfAny(new[] { '+', '-', '*', ' ' }) >= 0 ? "(" + length + ")" : length);
            return;
        }
        foreach (var length in Lengths()) w.WriteLine($"int {Dimension(length)} = {length};");
        WriteShapeChecks(w, Dimension);
    }

    private void WriteViews(IndentedTextWriter w)
    {
        foreach (var parameter in _method.Parameters.Where(p => _dag[p.Input].Rank > 0))
        {
            w.WriteLine($"var {_names.View(parameter.Input)} = {parameter.Name}.Span;");
        }
    }

    private string BatchCount(ParameterInfo p) => _dag[p.Input].Rank == 1 ? p.Name + ".Rows" : p.Name + ".Length";

    private IEnumerable<string> Lengths()
    {
        var seen = new List<string>();
        foreach (var node in _dag.Nodes)
        {
            if (node.Shape is { Rank: 1 } shape && !seen.Contains(shape.Length)) seen.Add(shape.Length);
            if (node.Op == Op.Input && node.Rank == 2)
            {
                foreach (var part in new[] { node.Name + ".Rows", node.Name + ".Cols" })
                {
                    if (!seen.Contains(part)) seen.Add(part);
                }
            }
        }
        return seen;
    }

    private string Dimension(string length) => _names.Dimension(length);

    /// <summary>The shape and label checks; <paramref name="size"/> writes a length (its local, or the expression itself).</summary>
    private void WriteShapeChecks(IndentedTextWriter w, System.Func<string, string> size)
    {
        var reachable = _dag.Reachable(new[] { _method.Output });
        var done = new HashSet<string>();
        for (int id = 0; id < _dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = _dag[id];
            (string, string, string)? check = null;
            if (n.Op == Op.MatVec)
            {
                check = ($"{_dag[n[0]].Name}.Cols", _dag[n[1]].Shape!.Length, $"{_math.PrintDefinition(id)} needs {_math.Print(n[1])} of length {{{size(_dag[n[0]].Name + ".Cols")}}}, but it has {{{size(_dag[n[1]].Shape!.Length)}}}");
            }
            else if (!n.Op.IsStructural() && n.Op is not (Op.Pick or Op.OneHot or Op.Slice) && n.Rank == 1)
            {
                var vectors = n.Args.Where(a => _dag[a].Rank == 1 && _dag[a].Shape!.Length != n.Shape!.Length).ToList();
                if (vectors.Count > 0)
                {
                    int other = vectors[0];
                    check = (n.Shape!.Length, _dag[other].Shape!.Length, $"{_math.PrintDefinition(id)} combines vectors of lengths {{{size(n.Shape!.Length)}}} and {{{size(_dag[other].Shape!.Length)}}}");
                }
            }
            if (check is not ({ } left, { } right, { } message) || !done.Add(left + "|" + right)) continue;
            w.WriteLine($"if ({size(left)} != {size(right)}) throw new global::System.ArgumentException($\"{_method.Name}: {message}.\");");
        }
        // Labels index the logits: check them once here, not in the loops.
        foreach (var node in _dag.Nodes.Where(n => n.Op == Op.Pick && _dag[n[1]].Op == Op.Input).Distinct())
        {
            string labels = _dag[node[1]].Name!;
            string length = size(_dag[node[0]].Shape!.Length);
            if (!_dag[node[1]].Batched)
            {
                w.WriteLine($"if ((uint){labels} >= (uint){length}) throw new global::System.ArgumentOutOfRangeException(\"{Bare(labels)}\", {labels}, $\"{_method.Name}: label {{{labels}}} is outside [0, {{{length}}}).\");");
                continue;
            }
            string r = _names.Row;
            w.WriteLine($"for (int {r} = 0; {r} < {_names.Batch}; {r}++) if ((uint){labels}[{r}] >= (uint){length}) throw new global::System.ArgumentOutOfRangeException(\"{Bare(labels)}\", {labels}[{r}], $\"{_method.Name}: label {{{labels}[{r}]}} of sample {{{r}}} is outside [0, {{{length}}}).\");");
        }
    }

    /// <summary>Makes the buffer of a stored value a local (growing it in the workspace if asked).</summary>
    private void Bind(IndentedTextWriter w, ScheduledValue value, bool grow)
    {
        var n = _dag[value.Node];
        string type = n.Kind.Keyword();
        string size = Size(n);
        if (_takesOver.TryGetValue(value.Node, out int operand))
        {
            string previous = _schedule.Variables[operand].Name;
            w.WriteLine(grow
                ? $"{type}[] {value.Name} = {previous}; // {previous} is not read again: {value.Name} overwrites it in place"
                : $"{type}[] {value.Name} = {_names.Workspace}.{Field(value.Node)};");
            return;
        }
        string workspace = _names.Workspace;
        w.WriteLine(grow
            ? $"{type}[] {value.Name} = {workspace}.{value.Name} = {Runtime}.CompilerServices.Workspace.Grow({workspace}.{value.Name}, {size});"
            : $"{type}[] {value.Name} = {workspace}.{value.Name};");
    }

    /// <summary>The statement(s) computing one stored value.</summary>
    private void WriteValue(IndentedTextWriter w, ScheduledValue value)
    {
        int id = value.Node;
        var n = _dag[id];
        string r = _names.Row, i = _names.Index, batch = _names.Batch;
        string math = value.AdjointOf is { } primal ? $"∂{_schedule.ResultName}/∂{primal} = {_math.PrintDefinition(id)}" : $"{value.Name} = {_math.PrintDefinition(id)}";
        w.WriteLine("// " + math);
        switch (n.Op)
        {
            case Op.MatVec:
            {
                string w0 = _dag[n[0]].Name!, weights = _names.View(n[0]);
                string output = Span(id);
                w.WriteLine($"{output}.Clear();");
                string matVec = $"{Runtime}.CompilerServices.Kernels.MatVecAdd({weights}, {Dimension(w0 + ".Rows")}, {Dimension(w0 + ".Cols")}, {Span(n[1])}, {output});";
                BatchOrSample(w, _dag[n[1]].Batched,
                    $"{Runtime}.CompilerServices.Kernels.MatMulAddABt({Span(n[1])}, {weights}, {output}, {batch}, {Dimension(w0 + ".Rows")}, {Dimension(w0 + ".Cols")});", matVec);
                break;
            }
            case Op.MatTVec:
            {
                string w0 = _dag[n[0]].Name!, weights = _names.View(n[0]);
                string output = Span(id);
                w.WriteLine($"{output}.Clear();");
                string matTVec = $"{Runtime}.CompilerServices.Kernels.MatTVecAdd({weights}, {Dimension(w0 + ".Rows")}, {Dimension(w0 + ".Cols")}, {Span(n[1])}, {output});";
                BatchOrSample(w, _dag[n[1]].Batched,
                    $"{Runtime}.CompilerServices.Kernels.MatMulAdd({Span(n[1])}, {weights}, {output}, {batch}, {Dimension(w0 + ".Cols")}, {Dimension(w0 + ".Rows")});", matTVec);
                break;
            }
            case Op.Outer:
                w.WriteLine($"{Span(id)}.Clear();");
                WriteOuter(w, n, Span(id), negated: false);
                break;
            case Op.ReduceBatch:
                w.WriteLine($"{Span(id)}.Clear();");
                WriteReduceBatch(w, n, Span(id), negated: false);
                break;
            case Op.LogSumExp:
            {
                string length = Dimension(_dag[n[0]].Shape!.Length);
                string row = n.Batched ? r : "0";
                Loop(w, n.Batched, null, () => w.WriteLine($"{value.Name}[{row}] = {Runtime}.CompilerServices.Kernels.LogSumExp({Span(n[0])}.Slice({(n.Batched ? r + " * " + length : "0")}, {length}));"));
                break;
            }
            case Op.Sum:
            {
                string length = Dimension(_dag[n[0]].Shape!.Length);
                var element = Printer(r, i);
                string sum = _names.Sum;
                // Outside the batch loop, sum needs a scope of its own.
                Block(w, !n.Batched, () => Loop(w, n.Batched, null, () =>
                {
                    w.WriteLine($"float {sum} = 0f;");
                    w.WriteLine($"for (int {i} = 0; {i} < {length}; {i}++) {sum} += {element.Print(n[0])};");
                    w.WriteLine($"{Access(id, n.Batched ? r : "0", "0")} = {sum};");
                }));
                break;
            }
            case Op.Concat:
            {
                string firstLength = Dimension(_dag[n[0]].Shape!.Length);
                string secondLength = Dimension(_dag[n[1]].Shape!.Length);
                string total = Dimension(n.Shape!.Length);
                string rowStart = n.Batched ? $"{r} * {total}" : "0";
                var element = Printer(r, i);
                Loop(w, n.Batched, null, () =>
                {
                    w.WriteLine($"for (int {i} = 0; {i} < {firstLength}; {i}++) {value.Name}[{rowStart} + {i}] = {element.Print(n[0])};");
                    w.WriteLine($"for (int {i} = 0; {i} < {secondLength}; {i}++) {value.Name}[{rowStart} + {firstLength} + {i}] = {element.Print(n[1])};");
                });
                break;
            }
            default:
            {
                // Element-wise: one fused loop over the batch and the elements.
                string row = n.Batched ? r : "0";
                string definition = ElementDefinition(id, r, i);
                string? lanes = n.Rank == 1 && n.Kind == ScalarKind.Single ? Lanes(r, i).PrintDefinition(id) : null;
                if (lanes is null)
                {
                    Loop(w, n.Batched, n.Rank == 1 ? Dimension(n.Shape!.Length) : null, () => w.WriteLine($"{Access(id, row, i)} = {definition};"));
                    break;
                }
                var (buffer, position) = Element(id, row, i);
                // Outside the batch loop, i needs a scope of its own.
                Block(w, !n.Batched, () => Loop(w, n.Batched, null, () => VectorLoop(w, Dimension(n.Shape!.Length),
                    $"{_lanes}.Store({buffer}, {position}, {lanes});", $"{buffer}[{position}] = {definition};")));
                break;
            }
        }
    }

    private void WriteGradientTerm(IndentedTextWriter w, int parameter, string gradient, int term, bool negated)
    {
        var n = _dag[term];
        if (!_schedule.Variables.ContainsKey(term) && n.Op == Op.Outer)
        {
            WriteOuter(w, n, gradient, negated);
            return;
        }
        if (!_schedule.Variables.ContainsKey(term) && n.Op == Op.ReduceBatch && n.Rank == _dag[parameter].Rank)
        {
            WriteReduceBatch(w, n, gradient, negated);
            return;
        }
        // Element-wise (a scalar broadcasts over the parameter's elements).
        string i = _names.Index;
        var element = Printer("0", i);
        string sign = negated ? "-=" : "+=";
        string length = Dimension(_dag[parameter].Shape!.Length);
        string? lanes = _dag[parameter].Rank == 1 && n.Kind == ScalarKind.Single ? Lanes("0", i).PrintDefinitionOrLoad(term) : null;
        if (lanes is null)
        {
            w.WriteLine($"for (int {i} = 0; {i} < {length}; {i}++) {gradient}[{i}] {sign} {element.Print(term)};");
            return;
        }
        Block(w, true, () => VectorLoop(w, length, $"{_lanes}.Store({gradient}, {i}, {_lanes}.Load({gradient}, {i}) {(negated ? "-" : "+")} {lanes});",
            $"{gradient}[{i}] {sign} {element.Print(term)};"));
    }

    /// <summary>
    /// A term the parameter store adds itself: Σ over the batch of g·xᵀ (<c>AddOuterProducts</c>) or of a vector
    /// (<c>AddColumnSums</c>). False for any other term.
    /// </summary>
    private bool WriteStoreTerm(IndentedTextWriter w, string field, int parameter, int term, bool negated)
    {
        var n = _dag[term];
        if (_schedule.Variables.ContainsKey(term)) return false;
        string alpha = negated ? ", -1f" : "";
        if (n.Op == Op.Outer)
        {
            w.WriteLine($"{_names.ParametersAccess}.AddOuterProducts({field}, {View(n[0])}, {View(n[1])}{alpha});");
            return true;
        }
        if (n.Op == Op.ReduceBatch && n.Rank == _dag[parameter].Rank && _dag[n[0]].Rank == 1)
        {
            w.WriteLine($"{_names.ParametersAccess}.AddColumnSums({field}, {View(n[0])}{alpha});");
            return true;
        }
        return false;
    }

    /// <summary>A vector value as a matrix of one row per sample (one row when it is not batched), for the store.</summary>
    private string View(int node)
    {
        var n = _dag[node];
        string length = Dimension(n.Shape!.Length);
        if (n.Op == Op.Input)
        {
            return n.Batched ? n.Name! : $"new {Runtime}.Mat({n.Name}.Array, {n.Name}.Offset, 1, {n.Name}.Length)";
        }
        return $"new {Runtime}.Mat({_schedule.Variables[node].Name}, 0, {(n.Batched ? _names.Batch : "1")}, {length})";
    }

    /// <summary>Σ over the batch of g·xᵀ, added into <paramref name="target"/> (rows of g × length of x).</summary>
    private void WriteOuter(IndentedTextWriter w, Node n, string target, bool negated)
    {
        string rows = Dimension(_dag[n[0]].Shape!.Length), cols = Dimension(_dag[n[1]].Shape!.Length);
        string alpha = negated ? ", -1f" : "";
        string outer = $"{Runtime}.CompilerServices.Kernels.OuterAdd({target}, {rows}, {cols}, {(negated ? "-1f" : "1f")}, {Span(n[0])}, {Span(n[1])});";
        BatchOrSample(w, _dag[n[0]].Batched && _dag[n[1]].Batched,
            $"{Runtime}.CompilerServices.Kernels.MatMulAddAtB({Span(n[0])}, {Span(n[1])}, {target}, {rows}, {cols}, {_names.Batch}{alpha});", outer);
    }

    /// <summary>
    /// A kernel call on batched operands: the matrix–matrix form, except for a batch of one (the per-sample methods),
    /// where the matrix–vector form is faster (the GEMMs pack their operands).
    /// </summary>
    private void BatchOrSample(IndentedTextWriter w, bool batched, string batch, string sample)
    {
        if (!batched)
        {
            w.WriteLine(sample);
            return;
        }
        w.WriteLine($"if ({_names.Batch} == 1) {sample}");
        w.WriteLine($"else {batch}");
    }

    /// <summary>Σ over the batch of a per-sample value, added into <paramref name="target"/>.</summary>
    private void WriteReduceBatch(IndentedTextWriter w, Node n, string target, bool negated)
    {
        var e = _dag[n[0]];
        if (e.Rank == 1)
        {
            w.WriteLine($"{Runtime}.CompilerServices.Kernels.ColumnSumsAdd({Span(n[0])}, {_names.Batch}, {Dimension(e.Shape!.Length)}, {target}{(negated ? ", -1f" : "")});");
            return;
        }
        string r = _names.Row;
        var element = Printer(r, "0");
        w.WriteLine($"for (int {r} = 0; {r} < {_names.Batch}; {r}++) {target}[0] {(negated ? "-=" : "+=")} {element.Print(n[0])};");
    }

    /// <summary>Writes <paramref name="body"/>, inside braces if <paramref name="braces"/> (a scope for its locals).</summary>
    private static void Block(IndentedTextWriter w, bool braces, System.Action body)
    {
        if (!braces)
        {
            body();
            return;
        }
        w.WriteLine("{");
        w.Indent++;
        body();
        w.Indent--;
        w.WriteLine("}");
    }

    /// <summary>A loop over <paramref name="length"/> elements, <c>Lanes.Width</c> at a time, then one at a time for the rest.</summary>
    private void VectorLoop(IndentedTextWriter w, string length, string vectorStatement, string scalarStatement)
    {
        string i = _names.Index;
        w.WriteLine($"int {i} = 0;");
        w.WriteLine($"for (; {i} <= {length} - {_lanes}.Width; {i} += {_lanes}.Width)");
        w.Indent++;
        w.WriteLine(vectorStatement);
        w.Indent--;
        w.WriteLine($"for (; {i} < {length}; {i}++)");
        w.Indent++;
        w.WriteLine(scalarStatement);
        w.Indent--;
    }

    private void Loop(IndentedTextWriter w, bool batched, string? length, System.Action body)
    {
        string r = _names.Row, i = _names.Index;
        if (batched) w.WriteLine($"for (int {r} = 0; {r} < {_names.Batch}; {r}++)");
        Block(w, batched, () =>
        {
            if (length is null)
            {
                body();
                return;
            }
            w.WriteLine($"for (int {i} = 0; {i} < {length}; {i}++)");
            w.Indent++;
            body();
            w.Indent--;
        });
    }

    /// <summary>The number of elements a stored value holds: per sample times the batch, or rows × columns.</summary>
    private string Size(Node n) => n.Rank switch
    {
        0 => n.Batched ? _names.Batch : "1",
        1 => (n.Batched ? _names.Batch + " * " : "") + Dimension(n.Shape!.Length),
        _ => Dimension(_dag[n[0]].Shape!.Length) + " * " + Dimension(_dag[n[1]].Shape!.Length),
    };

    /// <summary>The memory of a vector value (a stored buffer or an input), for kernels.</summary>
    private string Span(int node)
    {
        var n = _dag[node];
        if (n.Op == Op.Input) return _names.View(node);
        string size = Size(n);
        return $"{_schedule.Variables[node].Name}.AsSpan(0, {size})";
    }

    /// <summary>Element (<paramref name="row"/>, <paramref name="index"/>) of a stored value or an input.</summary>
    private string Access(int node, string row, string index)
    {
        var (name, position) = Element(node, row, index);
        return position is null ? name : $"{name}[{position}]";
    }

    /// <summary>The buffer and position of element (row, index) of a stored value or an input (no position: a scalar input).</summary>
    private (string Buffer, string? Position) Element(int node, string row, string index)
    {
        var n = _dag[node];
        string name = n.Op == Op.Input ? (n.Rank > 0 ? _names.View(node) : n.Name!) : _schedule.Variables[node].Name;
        if (n.Op == Op.Input && n.Rank == 0) return n.Batched ? (name, row) : (name, null);
        return (n.Rank, n.Batched) switch
        {
            (0, false) => (name, "0"),
            (0, true) => (name, row),
            (_, false) => (name, index),
            _ => (name, $"{row} * {Dimension(n.Shape!.Length)} + {index}"),
        };
    }

    /// <summary>
    /// A printer of the lanes (row, index … index + width − 1) of a rank-1 node: stored values and inputs are
    /// loaded, per-row values broadcast, the rest inlined; it gives null where a loop must stay scalar.
    /// </summary>
    private VectorPrinter Lanes(string row, string index)
    {
        var scalar = Printer(row, index);
        return new VectorPrinter(_dag, _lanes, Load, scalar.Print);

        string? Load(int node)
        {
            var n = _dag[node];
            if (_schedule.Variables.ContainsKey(node) || n.Op == Op.Input)
            {
                var (buffer, position) = Element(node, row, index);
                return $"{_lanes}.Load({buffer}, {position})";
            }
            if (n.Op == Op.Slice)
            {
                string offset = n.Value == 0 ? "" : Dimension(_dag[n[1]].Shape!.Length) + " + ";
                var (buffer, position) = Element(n[0], row, offset + index);
                return $"{_lanes}.Load({buffer}, {position})";
            }
            return null;
        }
    }

    /// <summary>A printer of element (row, index) of any node: stored values and inputs are read, the rest inlined.</summary>
    private ExpressionPrinter Printer(string row, string index)
    {
        ExpressionPrinter? printer = null;
        printer = ExpressionPrinter.CSharp(_schedule, node =>
            _schedule.Variables.ContainsKey(node) || _dag[node].Op == Op.Input ? Access(node, row, index) : Inline(node, printer!, row, index));
        return printer;
    }

    /// <summary>Element (row, index) of an operation that reads other values by position, or null for ordinary operations.</summary>
    private string? Inline(int node, ExpressionPrinter printer, string row, string index)
    {
        var n = _dag[node];
        switch (n.Op)
        {
            case Op.External when n.Name!.StartsWith("(float)"):
                return "(float)" + Dimension(n.Name.Substring("(float)".Length));
            case Op.External when n.Name == ReverseMode.BatchWeight:
                return _names.SampleWeight;
            case Op.Pick:
                return Access(n[0], row, printer.Print(n[1]));
            case Op.OneHot:
                return $"({index} == {printer.Print(n[1])} ? {printer.Print(n[0])} : 0f)";
            case Op.Slice:
            {
                // The second part starts after the first part's elements.
                string offset = n.Value == 0 ? "" : Dimension(_dag[n[1]].Shape!.Length) + " + ";
                return Access(n[0], row, offset + index);
            }
            case Op.Broadcast:
                return printer.Print(n[0]);
            default:
                return null;
        }
    }

    /// <summary>The right-hand side for element (row, index) of a stored element-wise value.</summary>
    private string ElementDefinition(int node, string row, string index)
    {
        var printer = Printer(row, index);
        return Inline(node, printer, row, index) ?? printer.PrintDefinition(node);
    }
}

/// <summary>The generator's version, written into generated code.</summary>
internal static class SourceEmitterVersion
{
    public static readonly string Value = typeof(SourceEmitterVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
