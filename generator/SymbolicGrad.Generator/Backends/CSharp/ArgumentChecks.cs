using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicGrad.Generator.Ir;
using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Backends.CSharp;

/// <summary>
/// The checks tensor code makes before it touches memory, each an exception naming what does not fit: an empty batch,
/// inputs with different sample counts, vectors whose lengths differ where an op combines them, labels out of range.
/// </summary>
internal static class ArgumentChecks
{
    /// <summary>The first per-sample input: it sets the batch size.</summary>
    public static ParameterInfo? BatchInput(TensorCode c) =>
        c.Method.Parameters.Where(p => !p.IsField).FirstOrDefault(p => c.Dag[p.Input].Batched);

    /// <summary>The number of samples of a batched input (rows of a batch matrix, or a span's length).</summary>
    public static string BatchCount(TensorCode c, ParameterInfo p) => c.Dag[p.Input].Rank == 1 ? p.Name + ".Rows" : p.Name + ".Length";

    /// <summary>The batch size, the sizes of the inputs and parameters (as locals if asked), and every check of them.</summary>
    /// <param name="c">The code.</param>
    /// <param name="declareSizes">Whether the sizes become locals.</param>
    /// <param name="perSample">Which parameters hold one value per sample (the batch-size check); by default those that are not fields.</param>
    /// <param name="oneRow">Whether the caller made every per-sample input one row: the batch is 1 and the batch checks cannot fail, so none is written.</param>
    public static void Write(TensorCode c, bool declareSizes, System.Func<ParameterInfo, bool>? perSample = null, bool oneRow = false)
    {
        perSample ??= p => !p.IsField;
        // With one sample (nothing batched), no code refers to a batch size.
        var first = BatchInput(c);
        string name = c.Method.Name, batch = c.Names.Batch;
        if (first is not null && oneRow)
        {
            c.Line($"int {batch} = 1; // one sample: the caller made each input one row");
        }
        else if (first is not null)
        {
            c.Line($"int {batch} = {BatchCount(c, first)};");
            // Parameter names as string literals, not nameof: a user's member named nameof would turn it into a call.
            string firstName = Identifiers.Bare(first.Name);
            c.Line($"if ({batch} == 0) throw new global::System.ArgumentException(\"{name}: the batch is empty.\", \"{firstName}\");");
            foreach (var input in c.Method.Parameters.Where(p => perSample(p) && p != first))
            {
                string inputName = Identifiers.Bare(input.Name);
                c.Line($"if ({BatchCount(c, input)} != {batch}) throw new global::System.ArgumentException($\"{name}: {inputName} has {{{BatchCount(c, input)}}} samples but {firstName} has {{{batch}}}.\", \"{inputName}\");");
            }
        }
        if (!declareSizes)
        {
            // The checks read the lengths straight from the arguments and fields.
            WriteShapeChecks(c, d => DimText.Of(d));
            return;
        }
        // A size may read the last layer (W[W.Length - 1].Rows): the loops' layer counts are checked before it is read.
        var loops = LayerLoops(c);
        foreach (var loop in loops) LayerLoopWriter.WriteBoundCheck(c, loop);
        foreach (var dim in c.Names.Dims) c.Line($"int {dim.Name} = {DimText.Of(dim.Dim)};");
        WriteShapeChecks(c, c.Dim, boundsChecked: loops.Count > 0);
    }

    /// <summary>
    /// The check that a buffer the caller passes beside a Vec or Mat parameter (its gradient, its tangent) has that
    /// parameter's shape (<paramref name="rank"/> 1 or 2), naming the buffer.
    /// </summary>
    public static void WriteSameShape(TensorCode c, string buffer, string of, int rank)
    {
        string same = rank == 2 ? $"{buffer}.Rows != {of}.Rows || {buffer}.Cols != {of}.Cols" : $"{buffer}.Length != {of}.Length";
        string bare = Identifiers.Bare(buffer);
        c.Line($"if ({same}) throw new global::System.ArgumentException(\"{c.Method.Name}: {bare} must have the shape of {Identifiers.Bare(of)}.\", \"{bare}\");");
    }

    /// <summary>The loops over layers the method's output reaches, in the order they run.</summary>
    private static List<Node> LayerLoops(TensorCode c)
    {
        var reachable = c.Dag.Reachable(new[] { c.Method.Output });
        return Enumerable.Range(0, c.Dag.Count).Where(id => reachable[id] && c.Dag[id].Op == Op.LayerLoop).Select(id => c.Dag[id]).ToList();
    }

    /// <summary>The shape and label checks; <paramref name="size"/> writes a length (its local, or the expression itself).</summary>
    /// <param name="c">The code.</param>
    /// <param name="size">How a length is written.</param>
    /// <param name="subject">What the messages start with (the method's name, or a layer of it as an interpolated string's text).</param>
    /// <param name="boundsChecked">Whether each loop over layers' layer count was checked already (before the sizes were read).</param>
    public static void WriteShapeChecks(TensorCode c, Func<Dim, string> size, string? subject = null, bool boundsChecked = false)
    {
        subject ??= c.Method.Name;
        var dag = c.Dag;
        var reachable = dag.Reachable(new[] { c.Method.Output });
        var done = new HashSet<(Dim, Dim)>();
        for (int id = 0; id < dag.Count; id++)
        {
            if (!reachable[id]) continue;
            var n = dag[id];
            var def = OpTable.Of(n.Op);
            if (n.Op == Op.LayerLoop) LayerLoopWriter.WriteChecks(c, n, size, boundChecked: boundsChecked);
            // A layer's own checks (its fit to its input), in the order the layers run.
            foreach (string line in def.Checks?.Invoke(dag, n, size, c.Method.Name) ?? Enumerable.Empty<string>()) c.Line(line);
            (Dim, Dim, string)? check = null;
            if (n.Op == Op.MatVec)
            {
                var cols = dag[n[0]].Shape!.Cols;
                var length = dag[n[1]].Shape!.Length;
                check = (cols, length, $"{c.Math.PrintDefinition(id)} needs {c.Math.Print(n[1])} of length {{{size(cols)}}}, but it has {{{size(length)}}}");
            }
            else if (def.Is(OpTraits.Elementwise) && n.Rank == 1)
            {
                var other = n.Args.Where(a => dag[a].Rank == 1 && dag[a].Shape!.Length != n.Shape!.Length).ToList();
                if (other.Count > 0)
                {
                    var length = dag[other[0]].Shape!.Length;
                    check = (n.Shape!.Length, length, $"{c.Math.PrintDefinition(id)} combines vectors of lengths {{{size(n.Shape.Length)}}} and {{{size(length)}}}");
                }
            }
            if (check is not ({ } left, { } right, { } message) || !done.Add((left, right))) continue;
            c.Line($"if ({size(left)} != {size(right)}) throw new global::System.ArgumentException($\"{subject}: {message}.\");");
        }
        // Labels index the logits: check them once here, not in the loops (the user's own reads are checked where they are).
        string r = c.Names.Row;
        // Once per label and length: a Jvp picks the label's element of a value and of its tangent.
        var checkedLabels = new HashSet<(string, string)>();
        foreach (var node in dag.Nodes.Where(n => n.Op == Op.Pick && n.Name is null && dag[n[1]].Op == Op.Input))
        {
            string labels = dag[node[1]].Name!;
            string length = size(dag[node[0]].Shape!.Length);
            if (!checkedLabels.Add((labels, length))) continue;
            if (!dag[node[1]].Batched)
            {
                c.Line($"if ((uint){labels} >= (uint){length}) throw new global::System.ArgumentOutOfRangeException(\"{Identifiers.Bare(labels)}\", {labels}, $\"{c.Method.Name}: label {{{labels}}} is outside [0, {{{length}}}).\");");
                continue;
            }
            c.Line($"for (int {r} = 0; {r} < {c.Names.Batch}; {r}++) if ((uint){labels}[{r}] >= (uint){length}) throw new global::System.ArgumentOutOfRangeException(\"{Identifiers.Bare(labels)}\", {labels}[{r}], $\"{c.Method.Name}: label {{{labels}[{r}]}} of sample {{{r}}} is outside [0, {{{length}}}).\");");
        }
    }
}
