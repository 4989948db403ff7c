using System.Text;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// A random MLP-shaped model class for the forward-mode and second-order property tests: dense layers written out
/// (<c>Jvp</c> and <c>Hessian</c>), a loop over layers or a Conv2d/MaxPool2d front (<c>Jvp</c>), activations
/// ReLU/tanh/sigmoid/leaky ReLU, softmax cross-entropy against an <c>int</c> label or Mse against a <c>Vec</c>; every
/// field, parameter and local named from <see cref="Pool"/>. Built from a list of choices so CsCheck can shrink it.
/// </summary>
internal sealed record RandomModel(
    string Type,
    string Method,
    string Source,
    bool Jvp,
    bool Hessian,
    bool Labels,
    int Inputs,
    int Outputs,
    string Shape,
    bool Conflicts)
{
    /// <summary>Names generated code also uses, or that are awkward to print: keywords, types, the generated members' names.</summary>
    public static readonly string[] Pool =
    [
        "W", "w", "b", "B", "x", "y", "h", "z", "l", "i", "k", "r", "batch", "direction", "gradient", "hv", "tangent", "value",
        "label", "labels", "target", "sum", "workspace", "t", "tW", "tH", "tZ", "tX", "dW", "dH", "dZ", "hvW", "hvB", "hvH",
        "t1", "t2", "dT1", "f", "Lanes", "Math", "MathF", "System", "Vec", "Mat", "Image", "Init", "Parameters", "@class",
        "@event", "@params", "@object", "@fixed", "@int", "var", "nameof", "dynamic", "_", "__", "φ", "row", "rows", "count",
        "span", "offset", "seed", "{M}Jvp", "{M}Hvp", "{M}JvpWorkspace", "{M}HvpWorkspace", "{M}JvpOfOneRow", "{M}HvpOfOneRow",
        "_{M}JvpWorkspaces", "_{M}HvpWorkspaces", "_{M}Workspaces", "{M}Gradient", "{M}LayerJvp", "{M}LayerJvpFromData",
    ];

    private static readonly string[] MethodNames = ["Loss", "F", "Error"];
    private static readonly string[] Activations = ["Relu", "Tanh", "Sigmoid", "LeakyRelu"];

    /// <summary>Members the contract fixes for a model method asked for Jvp and Hessian (a field of one of these names is SG0017).</summary>
    private static IEnumerable<string> ContractMembers(string method, bool jvp, bool hessian)
    {
        foreach (string suffix in new[] { "Gradient", "Workspace", "GradientBatch", "Batch", "Forward", "Backward", "ForwardBatch", "BackwardBatch" })
            yield return method + suffix;
        if (jvp)
        {
            yield return method + "Jvp";
            yield return method + "JvpWorkspace";
            yield return method + "JvpOfOneRow";
        }
        if (hessian)
        {
            yield return method + "Hvp";
            yield return method + "HvpWorkspace";
            yield return method + "HvpOfOneRow";
        }
    }

    public override string ToString() => Source;

    private static string Bare(string name) => name.TrimStart('@');

    /// <summary>The next pool name (by its bare name) not in <paramref name="taken"/>, or a fresh one.</summary>
    private static string Take(Queue<string> names, ISet<string> taken, string method)
    {
        while (names.Count > 0)
        {
            string name = names.Dequeue().Replace("{M}", method);
            if (taken.Add(Bare(name))) return name;
        }
        for (int k = 0; ; k++)
        {
            if (taken.Add("n" + k)) return "n" + k;
        }
    }

    /// <summary>
    /// Builds model <paramref name="type"/> from <paramref name="pool"/> (names, taken in order) and
    /// <paramref name="c"/> (choices, each read modulo what it chooses among).
    /// </summary>
    /// <param name="widths">
    /// When given, the layer widths instead of the 2 to 4 the choices pick: the input's length (unless a convolution
    /// comes first), then each layer's output (the layer count is still the choices').
    /// </param>
    public static RandomModel Build(string type, string[] pool, int[] c, int[]? widths = null)
    {
        string method = MethodNames[c[0] % MethodNames.Length];
        string shape = (c[1] % 6) switch { 0 or 1 or 2 => "dense", 3 or 4 => "loop", _ => "conv" };
        bool jvp = shape != "dense" || c[2] % 4 != 0;
        bool hessian = c[2] % 4 != 1 || !jvp;
        bool labels = c[3] % 2 == 0;
        // Fields written this.name may share a name with a parameter or a local; bare ones may not.
        bool qualify = c[4] % 2 == 0;
        int layers = 1 + c[5] % 3;
        int inputs = 2 + c[6] % 3;
        var sizes = new int[layers + 1];
        sizes[0] = inputs;
        for (int k = 1; k <= layers; k++) sizes[k] = 2 + c[6 + k] % 3;
        if (widths is not null)
        {
            sizes[0] = inputs = widths[0];
            for (int k = 1; k <= layers; k++) sizes[k] = widths[k];
        }
        int outputs = sizes[layers];
        string hidden = Activations[c[10] % Activations.Length];
        string? last = c[11] % 3 == 0 ? Activations[c[12] % Activations.Length] : null;
        bool penalty = c[13] % 3 == 0;

        var names = new Queue<string>(pool);
        var members = new HashSet<string> { type, method, "Relu", "Tanh", "Sigmoid", "LeakyRelu", "Sum", "Square", "Mse", "SoftmaxCrossEntropy", "Conv2d", "MaxPool2d", "Flatten" };
        var parameters = new HashSet<string>(members);
        var locals = qualify ? new HashSet<string>(members) : parameters;
        var fields = qualify ? new HashSet<string>(members) : parameters;
        string F(string name) => qualify ? "this." + name : name;

        string x = Take(names, parameters, method), target = Take(names, parameters, method);
        foreach (string p in new[] { x, target }) locals.Add(Bare(p));
        string hName = Take(names, locals, method), zName = Take(names, locals, method);

        var s = new StringBuilder();
        var constructor = new StringBuilder();
        var body = new StringBuilder();
        var declared = new List<string>();
        s.AppendLine($"public sealed partial class {type} : global::SymbolicGrad.Model").AppendLine("{");
        string vec = "global::SymbolicGrad.Vec", mat = "global::SymbolicGrad.Mat", init = "global::SymbolicGrad.Init";
        string hiddenFeatures = x;
        int features = inputs;
        bool hasVectorField = false;
        string? penaltyField = null;

        if (shape == "conv")
        {
            // x is a channels×5×5 image; a 2×2 kernel gives 4×4, pooling by 2 gives 2×2 per output channel.
            int channels = 1 + c[14] % 2, outChannels = 1 + c[15] % 3;
            inputs = channels * 25;
            sizes[0] = features = outChannels * 4;
            string conv = Take(names, fields, method);
            declared.Add(conv);
            s.AppendLine($"    private readonly global::SymbolicGrad.Conv2d {conv};");
            constructor.AppendLine($"        this.{conv} = base.Parameters.Conv2d({channels}, {outChannels}, kernel: 2, init: {init}.He(seed + 7));");
            string image = $"{x}.AsImage({channels}, 5, 5)";
            string convolved = $"Conv2d({image}, {F(conv)})";
            if (c[16] % 2 == 0) convolved = $"Relu({convolved})";
            body.AppendLine($"        {vec} {hName} = Flatten(MaxPool2d({convolved}, 2));");
        }
        else
        {
            body.AppendLine($"        {vec} {hName} = {x};");
        }

        if (shape == "loop")
        {
            string weights = Take(names, fields, method), biases = Take(names, fields, method), counter = Take(names, locals, method);
            declared.Add(weights);
            declared.Add(biases);
            s.AppendLine($"    private readonly {mat}[] {weights};");
            s.AppendLine($"    private readonly {vec}[] {biases};");
            constructor.AppendLine($"        this.{weights} = new {mat}[{layers}];");
            constructor.AppendLine($"        this.{biases} = new {vec}[{layers}];");
            for (int k = 0; k < layers; k++)
            {
                constructor.AppendLine($"        this.{weights}[{k}] = base.Parameters.Matrix({sizes[k + 1]}, {sizes[k]}, {init}.Xavier(seed + {2 * k}));");
                constructor.AppendLine($"        this.{biases}[{k}] = base.Parameters.Vector({sizes[k + 1]}, {init}.Normal(0.3f, seed + {2 * k + 1}));");
            }
            body.AppendLine($"        for (int {counter} = 0; {counter} < {F(weights)}.Length; {counter}++)");
            body.AppendLine("        {");
            body.AppendLine($"            {vec} {zName} = {F(weights)}[{counter}] * {hName} + {F(biases)}[{counter}];");
            string lastValue = last is null ? zName : $"{last}({zName})";
            body.AppendLine(c[17] % 3 == 0 && last is null
                ? $"            {hName} = {hidden}({zName});"
                : $"            {hName} = {counter} < {F(weights)}.Length - 1 ? {hidden}({zName}) : {lastValue};");
            body.AppendLine("        }");
        }
        else
        {
            bool zDeclared = false;
            for (int k = 0; k < layers; k++)
            {
                string weight = Take(names, fields, method);
                declared.Add(weight);
                bool bias = (c[18] >> k) % 2 == 0 || k == layers - 1;
                s.AppendLine($"    private readonly {mat} {weight};");
                constructor.AppendLine($"        this.{weight} = base.Parameters.Matrix({sizes[k + 1]}, {sizes[k]}, {init}.Xavier(seed + {2 * k}));");
                string affine = $"{F(weight)} * {hName}";
                if (bias)
                {
                    string b = Take(names, fields, method);
                    declared.Add(b);
                    hasVectorField = true;
                    penaltyField ??= b;
                    s.AppendLine($"    private readonly {vec} {b};");
                    constructor.AppendLine($"        this.{b} = base.Parameters.Vector({sizes[k + 1]}, {init}.Normal(0.3f, seed + {2 * k + 1}));");
                    affine += $" + {F(b)}";
                }
                string activation = k < layers - 1 ? hidden : last ?? "";
                if (c[19 + k] % 2 == 0)
                {
                    body.AppendLine($"        {hName} = {activation}({affine});");
                }
                else
                {
                    body.AppendLine($"        {(zDeclared ? "" : vec + " ")}{zName} = {affine};");
                    body.AppendLine($"        {hName} = {activation}({zName});");
                    zDeclared = true;
                }
            }
        }

        string loss = labels ? $"SoftmaxCrossEntropy({hName}, {target})" : $"Mse({hName}, {target})";
        if (penalty && hasVectorField && penaltyField is not null) loss += $" + 0.01f * Sum(Square({F(penaltyField)}))";
        body.AppendLine($"        return {loss};");

        s.AppendLine($"    public {type}(int seed)").AppendLine("    {").Append(constructor).AppendLine("    }");
        string attribute = (jvp, hessian) switch
        {
            (true, true) => "Jvp = true, Hessian = true",
            (true, false) => "Jvp = true",
            _ => "Hessian = true",
        };
        s.AppendLine($"    [global::SymbolicGrad.Differentiable({attribute})]");
        s.AppendLine($"    public float {method}([global::SymbolicGrad.NoDiff] {vec} {x}, {(labels ? "int" : $"[global::SymbolicGrad.NoDiff] {vec}")} {target})");
        s.AppendLine("    {").Append(body).AppendLine("    }").AppendLine("}");

        // A field named Parameters hides the base's: say so (new), as a user must.
        string source = s.ToString();
        foreach (string name in declared.Where(n => Bare(n) == "Parameters"))
            source = source.Replace($"    private readonly {mat} {name};", $"    private new readonly {mat} {name};")
                .Replace($"    private readonly {vec} {name};", $"    private new readonly {vec} {name};")
                .Replace($"    private readonly {mat}[] {name};", $"    private new readonly {mat}[] {name};")
                .Replace($"    private readonly {vec}[] {name};", $"    private new readonly {vec}[] {name};")
                .Replace($"    private readonly global::SymbolicGrad.Conv2d {name};", $"    private new readonly global::SymbolicGrad.Conv2d {name};");

        var reservedParameters = new HashSet<string>();
        if (jvp) { reservedParameters.Add("tangent"); reservedParameters.Add("direction"); }
        if (hessian) { reservedParameters.Add("direction"); reservedParameters.Add("gradient"); reservedParameters.Add("hv"); }
        var contract = ContractMembers(method, jvp, hessian).ToHashSet();
        bool conflicts = reservedParameters.Contains(Bare(x)) || reservedParameters.Contains(Bare(target)) || declared.Any(d => contract.Contains(Bare(d)));
        return new RandomModel(type, method, source, jvp, hessian, labels, inputs, outputs, shape, conflicts);
    }
}
