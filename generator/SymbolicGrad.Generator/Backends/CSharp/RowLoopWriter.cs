using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;
using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>What a row loop reads, recorded while its body is written (<see cref="TensorCode.BeginCapture"/>): its fields.</summary>
internal sealed class RowLoopUses
{
    /// <summary>Stored values, in the order the body first reads or writes them.</summary>
    public List<int> Values { get; } = new();

    public HashSet<Dim> Dims { get; } = new();

    /// <summary>The inputs whose views (spans) the body reads.</summary>
    public HashSet<string> Views { get; } = new();

    /// <summary>
    /// The buffers its vector loops load or store without a check per vector, in first-use order: each with its row length
    /// and whether it holds a row per sample (else one vector every row reads). <c>Run</c> checks them once, up front.
    /// </summary>
    public List<(string Buffer, string Length, bool Rows)> CheckedSpans { get; } = new();

    public bool SampleWeight { get; set; }

    public bool Batch { get; set; }

    /// <summary>The body reads something a struct cannot hold (a span or scalar argument, the mode): it stays inline.</summary>
    public bool Unsupported { get; set; }
}

/// <summary>A row loop's struct, written after the model's methods.</summary>
internal sealed record RowLoopStruct(string Name, IReadOnlyList<string> Lines);

/// <summary>
/// Turns the element loop of a model method's batched value into a row loop the runtime may split over threads: the
/// loop's body, unchanged but for its rows' bounds, becomes <c>Run(first, end)</c> of a nested struct holding the buffers,
/// sizes and parameters it reads, and the pass calls <c>RowLoop.Run</c> with it. The runtime runs it on the calling thread
/// for a small batch. Rows are independent (each writes its own row of the value), so the split changes no bit.
/// </summary>
internal static class RowLoopWriter
{
    private const string Runtime = FileLayout.Runtime;

    /// <summary>
    /// Writes the value's loop as a row loop if it can be one, and returns whether it did (false: nothing written).
    /// </summary>
    /// <param name="c">The code.</param>
    /// <param name="value">The value computed.</param>
    /// <param name="writeLoop">Writes the loop over the batch (its bounds from <see cref="TensorCode.RowRange"/>).</param>
    public static bool TryWrite(TensorCode c, ScheduledValue value, System.Action writeLoop)
    {
        var n = c.Dag[value.Node];
        if (c.RowLoops is null || !n.Batched || n.Rank != 1 || CallsOut(c, value.Node)) return false;
        var fields = new HashSet<string>(c.Names.Dims.Select(d => d.Name).Concat(c.Names.Views.Select(v => v.Name)))
        {
            c.Names.Row, c.Names.Index, c.Names.SampleWeight, c.Names.Batch,
        };
        fields.UnionWith(c.Variables.Values.Select(v => v.Name));
        fields.UnionWith(c.Method.Parameters.Select(p => NameAllocator.Bare(p.Name)));
        string first = Free("first", fields), end = Free("end", fields);

        var outer = c.Writer;
        var text = new StringWriter();
        c.Writer = new IndentedTextWriter(text, "    ");
        c.RowRange = (first, end);
        var uses = c.BeginCapture();
        try
        {
            writeLoop();
        }
        finally
        {
            c.EndCapture();
            c.RowRange = null;
            c.Writer.Flush();
            c.Writer = outer;
        }
        var views = c.Method.Parameters.Where(p => uses.Views.Contains(p.Name)).ToList();
        if (uses.Unsupported || views.Any(p => ViewSource(c, p) is null)) return false;

        // The struct's fields, and the pass's values for them (read through c, so the pass declares what it passes).
        var members = new List<(string Type, string Name, string Argument)>();
        foreach (int node in uses.Values) members.Add((c.Dag[node].Kind.Keyword() + "[]", c.Variables[node].Name, c.Name(node)));
        foreach (var dim in c.Names.Dims.Where(d => uses.Dims.Contains(d.Dim))) members.Add(("int", dim.Name, c.Dim(dim.Dim)));
        foreach (var p in views) members.Add((ViewSource(c, p)!, p.Name, p.Name));
        if (uses.SampleWeight) members.Add(("float", c.Names.SampleWeight, c.SampleWeight));
        if (uses.Batch) members.Add(("int", c.Names.Batch, c.Batch));

        string name = StructName(c, value.Name);
        string initializer = string.Join(", ", members.Select(m => $"{m.Name} = {m.Argument}"));
        c.Line($"{Runtime}.CompilerServices.RowLoop.Run(new {name} {{ {initializer} }}, {c.Batch}, {c.Dim(n.Shape!.Length)}); // on the worker pool for a large batch");

        string what = value.AdjointOf is { } primal ? $"∂{c.Plan.ResultName}/∂{primal}" : value.Name;
        string pass = c.Plan.Backward.Any(v => v.Node == value.Node) ? c.Names.BackwardUnchecked : c.Method.Name + "ForwardBatch";
        var lines = new List<string>
        {
            $"/// <summary>Rows [{first}, {end}) of {Xml(what)} = {Xml(c.Math.PrintDefinition(value.Node))} in <c>{pass}</c>: each row writes only its own row, so <c>RowLoop.Run</c> may split a large batch over threads.</summary>",
            $"private struct {name} : {Runtime}.CompilerServices.IRowLoop",
            "{",
        };
        lines.AddRange(members.Select(m => $"    internal {m.Type} {m.Name};"));
        lines.Add("");
        lines.Add($"    public void Run(int {first}, int {end})");
        lines.Add("    {");
        lines.AddRange(views.Select(p => $"        var {c.Names.Views.First(v => v.Of == p.Name).Name} = {p.Name}.Span;"));
        // The buffers as spans and the sizes as locals (hiding the fields): read through `this` and converted from arrays
        // at every use, they cost a reload and a null check per vector, which made the loop 1.5× the hand-written kernel's.
        lines.AddRange(members.Where(m => !views.Any(p => p.Name == m.Name)).Select(m =>
            m.Type.EndsWith("[]", System.StringComparison.Ordinal)
                ? $"        global::System.Span<{m.Type.Substring(0, m.Type.Length - 2)}> {m.Name} = this.{m.Name};"
                : $"        {m.Type} {m.Name} = this.{m.Name};"));
        // Each buffer's rows checked once, so the vector loops' loads and stores need no check per vector (their index
        // stays a whole vector inside row r of a checked buffer): with them, the loop was 1.5× the hand-written kernel's.
        lines.AddRange(uses.CheckedSpans.Select(s => s.Rows
            ? $"        {c.LanesClass}.CheckRows({s.Buffer}, {first}, {end}, {s.Length});"
            : $"        {c.LanesClass}.CheckLength({s.Buffer}, {s.Length});"));
        lines.AddRange(text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(l => "        " + l));
        lines.Add("    }");
        lines.Add("}");
        c.RowLoops.Add(new RowLoopStruct(name, lines));
        return true;
    }

    /// <summary>Writes the row loops' structs, after the model's methods.</summary>
    public static void WriteStructs(TensorCode c)
    {
        foreach (var loop in c.RowLoops ?? new List<RowLoopStruct>())
        {
            c.Writer.WriteLineNoTabs(string.Empty);
            foreach (string line in loop.Lines)
            {
                if (line.Length == 0) c.Writer.WriteLineNoTabs(string.Empty);
                else c.Line(line);
            }
        }
    }

    /// <summary>The type a struct field holding the input that a view reads has (the view is its <c>Span</c>); null: none fits.</summary>
    private static string? ViewSource(TensorCode c, ParameterInfo p)
    {
        if (p.IsArray || p.Name.Contains(".")) return null;
        int rank = c.Dag[p.Input].Rank;
        if (!p.IsField) return rank == 1 ? Runtime + ".Mat" : null; // a batch of vectors
        return rank switch
        {
            1 => Runtime + ".Vec",
            2 => Runtime + ".Mat",
            _ => null,
        };
    }

    // Calls of the user's functions (which may be instance methods of the model) stay in the method.
    private static bool CallsOut(TensorCode c, int node)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>(c.Dag[node].Args);
        while (pending.Count > 0)
        {
            int id = pending.Pop();
            var n = c.Dag[id];
            if (!seen.Add(id) || c.Variables.ContainsKey(id) || n.Op == Op.Input) continue;
            if (n.Op is Op.Call or Op.RuleCall or Op.RuleOut or Op.ValueCall or Op.ValueCallGrad or Op.LayerCall or Op.LayerRuleGrad) return true;
            foreach (int arg in n.Args) pending.Push(arg);
        }
        return false;
    }

    /// <summary><c>LossT2Rows</c> for t2 of Loss: a name no member of the model and no other row loop has.</summary>
    private static string StructName(TensorCode c, string value)
    {
        string bare = NameAllocator.Bare(value);
        string stem = c.Method.Name + char.ToUpperInvariant(bare[0]) + bare.Substring(1) + "Rows";
        string name = stem;
        for (int k = 2; c.Method.ScopeNames.Contains(name) || c.RowLoops!.Any(l => l.Name == name); k++) name = stem + k;
        return name;
    }

    private static string Free(string preferred, ISet<string> taken)
    {
        string name = preferred;
        for (int k = 2; taken.Contains(name); k++) name = preferred + k;
        return name;
    }

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
