using System.Text;

namespace SymbolicGrad.Generator.Tests.Infrastructure;

/// <summary>
/// A random static function of Vec and Mat weights for the tensor Jvp/Hvp property test: dense layers with
/// ReLU/tanh/sigmoid/leaky ReLU, softmax cross-entropy or Mse, every parameter and local named from
/// <see cref="RandomModel.Pool"/>; <see cref="Conflicts"/> when a generated parameter's name (dW, tW, hvW, tangent) is taken.
/// </summary>
internal sealed record RandomTensorFunction(string Type, string Method, string Source, bool Labels, int[] Sizes, bool[] Biases, bool Conflicts)
{
    private static readonly string[] Activations = ["Relu", "Tanh", "Sigmoid", "LeakyRelu"];

    public override string ToString() => Source;

    private static string Bare(string name) => name.TrimStart('@');

    private static string Capitalized(string name) => char.ToUpperInvariant(Bare(name)[0]) + Bare(name).Substring(1);

    /// <summary>Builds static class <paramref name="type"/> from pool names and choices (read modulo what they choose among).</summary>
    public static RandomTensorFunction Build(string type, string[] pool, int[] c)
    {
        const string method = "F";
        int layers = 1 + c[0] % 2;
        var sizes = new int[layers + 1];
        for (int k = 0; k <= layers; k++) sizes[k] = 2 + c[1 + k] % 3;
        var biases = Enumerable.Range(0, layers).Select(k => (c[4] >> k) % 2 == 0).ToArray();
        bool labels = c[5] % 2 == 0;
        string hidden = Activations[c[6] % Activations.Length];
        var names = new Queue<string>(pool.Select(n => n.Replace("{M}", method)).Where(n => Bare(n) != "F" && Bare(n) != type));
        var taken = new HashSet<string> { method, type, "Relu", "Tanh", "Sigmoid", "LeakyRelu", "Mse", "SoftmaxCrossEntropy" };
        string Take()
        {
            while (names.Count > 0)
            {
                string name = names.Dequeue();
                if (taken.Add(Bare(name))) return name;
            }
            for (int k = 0; ; k++) if (taken.Add("n" + k)) return "n" + k;
        }

        var weights = new List<(string Name, bool Matrix)>();
        for (int k = 0; k < layers; k++)
        {
            weights.Add((Take(), true));
            if (biases[k]) weights.Add((Take(), false));
        }
        string x = Take(), target = Take(), h = Take();
        string vec = "global::SymbolicGrad.Vec", mat = "global::SymbolicGrad.Mat";
        var s = new StringBuilder();
        s.AppendLine($"public static partial class {type}").AppendLine("{");
        s.AppendLine("    [global::SymbolicGrad.Differentiable(Jvp = true, Hessian = true)]");
        string list = string.Join(", ", weights.Select(w => (w.Matrix ? mat : vec) + " " + w.Name));
        s.AppendLine($"    public static float {method}({list}, [global::SymbolicGrad.NoDiff] {vec} {x}, {(labels ? "int" : $"[global::SymbolicGrad.NoDiff] {vec}")} {target})");
        s.AppendLine("    {");
        s.AppendLine($"        {vec} {h} = {x};");
        int w = 0;
        for (int k = 0; k < layers; k++)
        {
            string affine = $"{weights[w++].Name} * {h}";
            if (biases[k]) affine += $" + {weights[w++].Name}";
            s.AppendLine(k < layers - 1 || c[7] % 2 == 0 ? $"        {h} = {hidden}({affine});" : $"        {h} = {affine};");
        }
        s.AppendLine(labels ? $"        return SoftmaxCrossEntropy({h}, {target});" : $"        return Mse({h}, {target});");
        s.AppendLine("    }").AppendLine("}");

        // The generated parameters: dX (gradient), tX (tangent), hvX (H·t) per weight, and the Jvp's tangent.
        var parameters = weights.Select(p => Bare(p.Name)).Append(Bare(x)).Append(Bare(target)).ToList();
        var seen = new HashSet<string>(parameters);
        bool conflicts = weights.Any(p => !seen.Add("d" + Capitalized(p.Name)))
            || weights.Any(p => parameters.Contains("t" + Capitalized(p.Name)) || parameters.Contains("hv" + Capitalized(p.Name)))
            || parameters.Contains("tangent");
        return new RandomTensorFunction(type, method, s.ToString(), labels, sizes, biases, conflicts);
    }
}
