using System;
using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SymbolicGrad.Generator.Backends.Onnx;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// Writes a model method's code. Everything is written once, for a batch of B samples (one row each): matrix–vector
/// products become matrix–matrix kernels, element-wise work one loop per stored value, and the per-sample methods run
/// the batch code with B = 1. Every stored value lives in a workspace that is allocated on first use and reused, so
/// calls after the first allocate nothing: the model keeps a pool of them, so its convenience methods can run on several
/// threads at once, and adds each parameter's gradient through the parameter store under <c>Parameters.GradientLock</c>.
/// </summary>
internal static class ModelMethodWriter
{
    private const string Runtime = FileLayout.Runtime;

    /// <param name="graph">The Mermaid picture for the header and <c>NameGraph</c>; null if none was asked for.</param>
    /// <param name="onnx">The model's ONNX prediction graph member, written after the passes; null if it has none.</param>
    public static string Write(ProgramPlan plan, string? graph, OnnxMember? onnx)
    {
        var c = new TensorCode(plan) { RowLoops = new List<RowLoopStruct>() };
        var method = plan.Method;
        var names = plan.Names;
        var text = new StringWriter();
        c.Writer = new IndentedTextWriter(text, "    ");
        var inputs = method.Parameters.Where(p => !p.IsField).ToList();
        string signature = string.Join(", ", inputs.Select(p => SampleType(c, p) + " " + p.Name));
        string batchSignature = string.Join(", ", inputs.Select(p => BatchType(c, p) + " " + p.Name));
        string sampleArguments = string.Join(", ", inputs.Select(p => SampleToBatch(c, p)));
        string batchArguments = string.Join(", ", inputs.Select(p => p.Name));
        string cref = method.DocumentationId;
        string name = method.Name, workspaceType = name + "Workspace", workspace = names.Workspace;
        string forwardBatch = c.Call(name + "ForwardBatch"), backwardBatch = c.Call(name + "BackwardBatch");
        const string threads = "Safe to call from several threads at once: each call takes a workspace of its own from the model's pool, and adds each parameter's gradient under <c>Parameters.GradientLock</c>.";

        var interfaces = new List<string>();
        if (method.Trainable != TrainableKind.None) interfaces.Add(Runtime + ".ITrainable");
        if (onnx is not null) interfaces.Add(Runtime + ".CompilerServices.IOnnxExportable");
        FileLayout.Open(c.Writer, method, Header(plan, $"{name}, per sample and per batch"), Usings(c),
            interfaces.Count > 0 ? string.Join(", ", interfaces) : null, graph);
        WorkspaceWriter.Write(c, model: true);
        if (method.Trainable != TrainableKind.None) WriteTrainable(c);
        c.Line("/// <summary>Workspaces for the methods that do not take one: one per call in flight, reused.</summary>");
        c.Line($"private readonly {Runtime}.CompilerServices.WorkspacePool<{workspaceType}> {names.CachedWorkspace} = new();");
        c.Writer.WriteLineNoTabs(string.Empty);
        WorkspaceWriter.Doc(c, $"Computes <see cref=\"{cref}\"/> for one sample and adds its gradient with respect to the model's parameters into <c>Parameters.Gradients</c>. {threads}", "The loss.");
        c.Line($"public float {name}Gradient({signature}) => {c.Call(name + "GradientBatch")}({sampleArguments});");
        c.Writer.WriteLineNoTabs(string.Empty);
        WorkspaceWriter.Doc(c, $"Computes <see cref=\"{cref}\"/> for a batch (one sample per row) and adds the gradient of the mean loss into <c>Parameters.Gradients</c>. {threads}", "The mean loss over the batch.");
        c.Line($"public float {name}GradientBatch({batchSignature})");
        WithPooledWorkspace(c, before: $"{c.Call(names.CheckWeights)}(); // before any work: a refused call changes nothing", body: () =>
        {
            c.Line($"float {names.Loss} = {forwardBatch}({workspace}, {batchArguments});");
            c.Line($"{c.Call(names.BackwardUnchecked)}({workspace}, {batchArguments}); // the forward pass has checked the arguments");
            c.Line($"return {names.Loss};");
        }, gradient: true);
        c.Writer.WriteLineNoTabs(string.Empty);
        WorkspaceWriter.Doc(c, $"Computes the mean of <see cref=\"{cref}\"/> over a batch (one sample per row), without gradients. Safe to call from several threads at once.", "The mean loss over the batch.");
        c.Line($"public float {name}Batch({batchSignature})");
        WithPooledWorkspace(c, () => c.Line($"return {forwardBatch}({workspace}, {batchArguments});"));
        c.Writer.WriteLineNoTabs(string.Empty);
        WorkspaceWriter.Doc(c, $"The forward pass of <see cref=\"{cref}\"/> for one sample, keeping its intermediate values in <paramref name=\"{Identifiers.Bare(workspace)}\"/>.", "The loss.");
        c.Line($"public float {name}Forward({workspaceType} {workspace}, {signature}) => {forwardBatch}({workspace}, {sampleArguments});");
        c.Writer.WriteLineNoTabs(string.Empty);
        WorkspaceWriter.Doc(c, $"The backward pass of <see cref=\"{cref}\"/> for one sample, after <c>{name}Forward</c> with the same arguments: adds the gradient into <c>Parameters.Gradients</c>.", null);
        c.Line($"public void {name}Backward({workspaceType} {workspace}, {signature}) => {backwardBatch}({workspace}, {sampleArguments});");
        c.Writer.WriteLineNoTabs(string.Empty);

        foreach (var loop in plan.LayerLoops) LayerLoopWriter.WriteLayer(c, loop);
        WriteForward(c, batchSignature, batchArguments);
        c.Writer.WriteLineNoTabs(string.Empty);
        WriteBackward(c, batchSignature, batchArguments);
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line($"/// <summary>Throws if the arguments of <see cref=\"{cref}\"/>'s batched passes do not fit together or the model: batch sizes, vector lengths, labels.</summary>");
        c.Line($"private void {names.CheckArguments}({batchSignature})");
        c.Line("{");
        c.Writer.Indent++;
        ArgumentChecks.Write(c, declareSizes: false);
        c.Writer.Indent--;
        c.Line("}");
        c.Writer.WriteLineNoTabs(string.Empty);
        WriteWeightChecks(c);
        if (onnx is not null)
        {
            c.Writer.WriteLineNoTabs(string.Empty);
            foreach (string line in onnx.Lines) c.Line(line);
        }
        RowLoopWriter.WriteStructs(c);
        FileLayout.Close(c.Writer, method);
        c.Writer.Flush();
        return text.ToString();
    }

    /// <summary>
    /// The check the gradient's entry points run before any work: every weight the backward pass adds a gradient into
    /// (fields, layers' parts, the layer arrays' elements each loop over layers runs) is a parameter of the store, so a
    /// model holding a field that is not one refuses the call before moving running statistics, taking a random stream or
    /// adding half its gradient.
    /// </summary>
    private static void WriteWeightChecks(TensorCode c)
    {
        string name = c.Method.Name, store = c.Parameters, check = Runtime + ".CompilerServices.WeightCheck.InStore";
        c.Line($"/// <summary>Throws if a weight whose gradient <see cref=\"{c.Method.DocumentationId}\"/>'s backward pass adds is not a parameter of <c>Parameters</c>; the gradient calls it before any work.</summary>");
        c.Line($"private void {c.Names.CheckWeights}()");
        c.Block(true, () =>
        {
            // Each weight once: a field (or a layer array, its elements up to the loop's bound) the method and a loop both read.
            var written = new HashSet<string>();
            void Check(string weight, string layers = "")
            {
                if (written.Add(weight)) c.Line($"{check}({store}, {weight}{layers}, \"{name}\", \"{Identifiers.Bare(weight)}\");");
            }
            foreach (var weight in c.Method.Parameters.Where(p => p.IsField)) Check(weight.Name);
            foreach (var loop in c.Plan.LayerLoops)
            {
                foreach (string array in loop.Loop.Elements.Select(e => e.Array).Distinct()) Check(array, $", {loop.Loop.Bound}.Length");
                var fields = loop.Loop.Body.Parameters.Where(p => p.IsDifferentiable && !loop.Loop.Elements.Any(e => e.Name == p.Name));
                foreach (var weight in fields) Check(weight.Name);
            }
        });
    }

    /// <summary>A method body that rents a workspace from the model's pool for <paramref name="body"/> and returns it after.</summary>
    /// <param name="c">The code.</param>
    /// <param name="body">The code run with the workspace.</param>
    /// <param name="before">A statement before the workspace is rented, if any.</param>
    private static void WithPooledWorkspace(TensorCode c, Action body, string? before = null, bool gradient = false)
    {
        string workspace = c.Names.Workspace, pool = c.Names.CachedWorkspace;
        c.Block(true, () =>
        {
            if (before is not null) c.Line(before);
            c.Line($"var {workspace} = {pool}.Rent();");
            c.Line("try");
            c.Block(true, body);
            c.Line("finally");
            c.Block(true, () =>
            {
                // A pass that threw leaves its claim: the next call may be on another thread.
                if (c.Names.InUse.Length > 0) c.Line($"{workspace}.{c.Names.InUse} = 0;");
                // A fused training step reads the gradient terms' operands after the pass: it holds the workspace till then.
                c.Line(gradient ? $"{pool}.Return({workspace}, {c.Names.ParametersAccess});" : $"{pool}.Return({workspace});");
            });
        });
    }

    public static IEnumerable<string> Header(ProgramPlan plan, string what) => new[]
    {
        $"SymbolicGrad {FileLayout.Version}: reverse-mode gradient of {string.Join(".", plan.Method.ContainingTypes.Select(t => t.Name))}.{what}.",
        $"Forward pass: {plan.ForwardOperations} operations; backward pass: {plan.BackwardOperations} operations.",
    };

    public static IEnumerable<string> Usings(TensorCode c) => Usings(c.Method.QualifyMath);

    /// <summary>The usings of a file of tensor code.</summary>
    public static IEnumerable<string> Usings(bool qualifyMath) => qualifyMath
        ? new[] { "using global::System; // for AsSpan; Math and the rest are written in full" }
        : new[] { "using System;", $"using Lanes = {Runtime}.CompilerServices.Lanes;" };

    public static string SampleType(TensorCode c, ParameterInfo p) => c.Dag[p.Input].Rank == 1 ? Runtime + ".Vec" : p.Kind.Keyword();

    public static string BatchType(TensorCode c, ParameterInfo p) =>
        c.Dag[p.Input].Rank == 1 ? Runtime + ".Mat" : $"global::System.ReadOnlySpan<{p.Kind.Keyword()}>";

    public static string SampleToBatch(TensorCode c, ParameterInfo p) => c.Dag[p.Input].Rank == 1
        ? $"new {Runtime}.Mat({p.Name}.Array, {p.Name}.Offset, 1, {p.Name}.Length)"
        : $"new global::System.ReadOnlySpan<{p.Kind.Keyword()}>(in {p.Name})";

    /// <summary>ITrainable, so that <c>Trainer</c>, <c>Checkpoint</c> and <c>GradientCheck</c> work with the model.</summary>
    private static void WriteTrainable(TensorCode c)
    {
        var method = c.Method;
        var names = c.Names;
        var inputs = method.Parameters.Where(p => !p.IsField).ToList();
        string x = inputs[0].Name, targets = names.Targets;
        string values = method.Trainable == TrainableKind.Labels ? $"{targets}.Labels" : $"{targets}.Values";
        string name = method.Name;
        c.Line("/// <inheritdoc/>");
        c.Line($"float {Runtime}.ITrainable.BatchLoss({Runtime}.Mat {x}, in {Runtime}.BatchTargets {targets}, bool {names.AccumulateGradient}) =>");
        c.Line($"    {names.AccumulateGradient} ? {c.Call(name + "GradientBatch")}({x}, {values}) : {c.Call(name + "Batch")}({x}, {values});");
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line("/// <inheritdoc/>");
        c.Line($"bool {Runtime}.ITrainable.SupportsFusedUpdate => true; // every gradient term goes through Parameters");
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line("/// <inheritdoc/>");
        c.Line($"int {Runtime}.ITrainable.CountCorrect({Runtime}.Mat {x}, in {Runtime}.BatchTargets {targets})");
        // The logits are the vector whose element at the label the loss picks (softmax cross-entropy).
        int logits = c.Tensor.Logits;
        if (method.Trainable != TrainableKind.Labels || logits < 0)
        {
            c.Block(true, () => c.Line("return -1; // not a classifier: the loss picks no logit by label"));
            c.Writer.WriteLineNoTabs(string.Empty);
            return;
        }
        string labels = names.Labels, workspace = names.Workspace, r = names.Row, i = names.Index, best = names.Best;
        string classes = names.Classes, logitsLocal = names.Logits, correct = names.Correct;
        WithPooledWorkspace(c, () =>
        {
            c.Line($"var {labels} = {targets}.Labels;");
            c.Line($"{c.Call(name + "ForwardBatch")}({workspace}, {x}, {labels});");
            c.Line($"int {classes} = {TensorCode.DimSource(c.Dag[logits].Shape!.Length)};");
            c.Line($"float[] {logitsLocal} = {workspace}.{c.Field(logits)};");
            c.Line($"int {correct} = 0;");
            c.Line($"for (int {r} = 0; {r} < {labels}.Length; {r}++)");
            c.Block(true, () =>
            {
                c.Line($"int {best} = 0;");
                c.Line($"for (int {i} = 1; {i} < {classes}; {i}++) if ({logitsLocal}[{r} * {classes} + {i}] > {logitsLocal}[{r} * {classes} + {best}]) {best} = {i};");
                c.Line($"if ({best} == {labels}[{r}]) {correct}++;");
            });
            c.Line($"return {correct};");
        });
        c.Writer.WriteLineNoTabs(string.Empty);
    }

    private static void WriteForward(TensorCode c, string batchSignature, string batchArguments)
    {
        var method = c.Method;
        var names = c.Names;
        WorkspaceWriter.Doc(c, $"The forward pass of <see cref=\"{method.DocumentationId}\"/> for a batch (one sample per row), keeping its intermediate values in <paramref name=\"{Identifiers.Bare(names.Workspace)}\"/>.", "The mean loss over the batch.");
        c.Line($"public float {method.Name}ForwardBatch({method.Name}Workspace {names.Workspace}, {batchSignature})");
        string check = $"{c.Call(c.Names.CheckArguments)}({batchArguments});";
        if (names.InUse.Length > 0) check += "\n" + $"global::SymbolicGrad.CompilerServices.Workspace.Enter(ref {names.Workspace}.{names.InUse}, \"{method.Name}Workspace\", \"{method.Name}\"); // one pass at a time";
        WritePass(c, check, Enumerable.Empty<ScheduledValue>(), forward: true, () =>
        {
            c.Line($"// Forward pass, for every sample {names.Row} of the batch.");
            foreach (var value in c.Plan.Forward)
            {
                PassWriter.Bind(c, value, grow: true);
                PassWriter.WriteValue(c, value);
            }
            if (names.ForwardRows.Length > 0)
            {
                c.Line($"{names.Workspace}.{names.ForwardRows} = {names.Batch}; // the backward pass checks it");
                c.Line($"{names.Workspace}.{names.ForwardThread} = global::System.Environment.CurrentManagedThreadId; // and this");
            }
            string r = names.Row, total = names.Total;
            c.Line($"float {total} = 0f;");
            c.Line($"for (int {r} = 0; {r} < {names.Batch}; {r}++) {total} += {c.Element(method.Output, r, "0")};");
            if (names.InUse.Length > 0) c.Line($"global::SymbolicGrad.CompilerServices.Workspace.Exit(ref {names.Workspace}.{names.InUse});");
            c.Line($"return {total} / {names.Batch};");
        });
    }

    private static void WriteBackward(TensorCode c, string batchSignature, string batchArguments)
    {
        var method = c.Method;
        var names = c.Names;
        WorkspaceWriter.Doc(c, $"The backward pass of <see cref=\"{method.DocumentationId}\"/> for a batch, after <c>{method.Name}ForwardBatch</c> with the same arguments: adds the gradient of the mean loss into <c>Parameters.Gradients</c>.", null);
        c.Line($"public void {method.Name}BackwardBatch({method.Name}Workspace {names.Workspace}, {batchSignature})");
        c.Block(true, () =>
        {
            c.Line($"{c.Call(names.CheckArguments)}({batchArguments});");
            c.Line($"{c.Call(names.CheckWeights)}();");
            if (names.ForwardRows.Length > 0 && ArgumentChecks.BatchInput(c) is { } first)
            {
                string workspace = names.Workspace, inUse = $"ref {names.Workspace}.{names.InUse}";
                c.Line($"global::SymbolicGrad.CompilerServices.Workspace.Enter({inUse}, \"{method.Name}Workspace\", \"{method.Name}\"); // one pass at a time");
                c.Line("try");
                c.Block(true, () =>
                {
                    c.Line($"global::SymbolicGrad.CompilerServices.Workspace.CheckForward({inUse}, {workspace}.{names.ForwardRows}, {workspace}.{names.ForwardThread}, {ArgumentChecks.BatchCount(c, first)}, \"{method.Name}Workspace\", \"{method.Name}\");");
                    c.Line($"{c.Call(names.BackwardUnchecked)}({workspace}, {batchArguments});");
                });
                c.Line("finally");
                c.Block(true, () => c.Line($"global::SymbolicGrad.CompilerServices.Workspace.Exit({inUse});"));
            }
            else
            {
                c.Line($"{c.Call(names.BackwardUnchecked)}({names.Workspace}, {batchArguments});");
            }
        });
        c.Writer.WriteLineNoTabs(string.Empty);
        c.Line($"/// <summary><c>{method.Name}BackwardBatch</c> once its arguments are checked: <c>{method.Name}GradientBatch</c> calls it after the forward pass has checked them.</summary>");
        c.Line($"private void {names.BackwardUnchecked}({method.Name}Workspace {names.Workspace}, {batchSignature})");
        // The forward values the backward pass reads (those overwritten in place are gone).
        var overwritten = new HashSet<int>(c.Overwritten);
        WritePass(c, null, c.Plan.Forward.Where(v => !overwritten.Contains(v.Node)), forward: false, () =>
        {
            c.Line("// Backward pass: each dName holds ∂L/∂name, L the mean loss; each parameter's gradient is added into");
            c.Line("// Parameters.Gradients once its terms are ready, under the lock that makes concurrent calls add one at a time.");
            PassWriter.WriteBackward(c);
        });
    }

    /// <summary>
    /// The call's mode and random stream: the forward pass reads <c>Model.Training</c> once and, in training mode, takes
    /// the next random stream; both go into the workspace, so the backward pass uses the same mode and masks.
    /// </summary>
    private static void WriteMode(TensorCode c, bool forward, bool training, bool stream)
    {
        string workspace = c.Names.Workspace;
        var layers = c.Layers;
        if (training)
        {
            c.Line(forward
                ? $"bool {layers.Training} = {workspace}.{layers.Training} = (({Runtime}.Model)this).Training;"
                : $"bool {layers.Training} = {workspace}.{layers.Training};");
        }
        if (stream)
        {
            c.Line(forward
                ? $"ulong {layers.Stream} = {workspace}.{layers.Stream} = {layers.Training} ? {c.Kernels}.NextRandomStream(this) : 0UL; // dropout masks: one stream per training pass"
                : $"ulong {layers.Stream} = {workspace}.{layers.Stream};");
        }
    }

    /// <summary>
    /// A pass after the shared argument check, declaring only the sizes, views and forward values (<paramref name="reads"/>)
    /// its code uses: the body is written first (recording what it uses), then its declarations before it.
    /// </summary>
    /// <param name="c">The code.</param>
    /// <param name="check">The argument check it starts with; null for none (the caller has checked).</param>
    /// <param name="reads">The forward values it may read.</param>
    /// <param name="forward">Whether it is a forward pass (which reads the mode and takes the random stream).</param>
    /// <param name="writeBody">Writes the body.</param>
    /// <param name="declaresView">Which parameters get a view declared (by default all: a layer's Jvp takes its weights' tangents as views already).</param>
    public static void WritePass(TensorCode c, string? check, IEnumerable<ScheduledValue> reads, bool forward, Action writeBody,
        Func<ParameterInfo, bool>? declaresView = null)
    {
        declaresView ??= _ => true;
        c.Line("{");
        c.Writer.Indent++;
        WriteBodyAfterDeclarations(c, writeBody, () =>
        {
            var usedValues = reads.Where(v => c.UsedValue(v.Node)).ToList();
            bool sampleWeight = c.UsedSampleWeight, training = c.UsedTraining || c.UsedStream, stream = c.UsedStream;
            var usedDims = c.Names.Dims.Where(d => c.UsedDim(d.Dim)).ToList();
            var usedViews = c.Method.Parameters.Where(p => c.Dag[p.Input].Rank > 0 && c.UsedView(p.Name) && declaresView(p)).ToList();
            if (check is not null) foreach (string line in check.Split('\n')) c.Line(line);
            if (ArgumentChecks.BatchInput(c) is { } first) c.Line($"int {c.Names.Batch} = {ArgumentChecks.BatchCount(c, first)};");
            var declared = new HashSet<Dim>();
            foreach (var dim in usedDims)
            {
                c.Line($"int {dim.Name} = {c.Declaration(dim.Dim, declared)};");
                declared.Add(dim.Dim);
            }
            foreach (var parameter in usedViews) c.Line($"var {c.View(parameter.Name)} = {parameter.Name}.Span;");
            if (sampleWeight) c.Line($"float {c.Names.SampleWeight} = 1f / {c.Names.Batch}; // each sample's share of the mean loss");
            foreach (var value in usedValues) PassWriter.Bind(c, value, grow: false);
            WriteMode(c, forward, training, stream);
        });
        c.Writer.Indent--;
        c.Line("}");
    }

    /// <summary>
    /// Code whose declarations go before it but depend on what it uses: <paramref name="writeBody"/> is written first,
    /// aside, with the uses forgotten before it; then <paramref name="declare"/> writes (from those uses) what goes
    /// before it, and the body follows after a blank line.
    /// </summary>
    public static void WriteBodyAfterDeclarations(TensorCode c, Action writeBody, Action declare)
    {
        var outer = c.Writer;
        var text = new StringWriter();
        c.Writer = new IndentedTextWriter(text, "    ") { Indent = outer.Indent };
        c.ResetUses();
        writeBody();
        c.Writer.Flush();
        c.Writer = outer;
        declare();
        outer.WriteLineNoTabs(string.Empty);
        outer.InnerWriter.Write(text.ToString());
    }
}
