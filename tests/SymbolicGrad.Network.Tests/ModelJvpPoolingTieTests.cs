using SymbolicGrad.Network.Tests.Models.Forward;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// Max pooling's tangent where a window's values tie (or hold NaN): the Jvp must take the tangent of the very input the
/// forward pass took (ties keep the first in scan order, NaN wins; the runtime's kernel, PyTorch's rule), which is also
/// the input the pullback routes the gradient to. <see cref="JvpPoolTieNet"/> has zero weights, so each pixel's value
/// is its bias exactly (tied biases tie exactly), while its tangent, tW·x + tb, is its own entries of the direction.
/// </summary>
public sealed class ModelJvpPoolingTieTests
{
    private const int Pixels = 32, Inputs = 3, Width = 16;

    /// <summary>
    /// Biases of the 1×2×16 image, row by row: windows of all-equal values, ties at the maximum in every position pair,
    /// ties below the maximum, and (in the second layout) NaN beside and among tied maxima.
    /// </summary>
    public static TheoryData<string, float[]> Layouts => new()
    {
        { "ties", [1, 1, 0, 2, 0, 1, 1, 0, 0, 3, 2, 2, 0, 1, 0, 0,
                   1, 1, 2, 1, 2, 2, 0, 1, 0, 3, 2, 1, 1, 1, 2, 2] },
        { "NaN", [float.NaN, 1, 0, float.NaN, 0, 1, 1, 0, 0, float.NaN, 2, 2, 0, 1, 0, 0,
                  1, 1, 2, float.NaN, 2, 2, float.NaN, 1, 0, 3, 2, 1, 1, 1, 2, 2] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Disjoint_windows_take_the_tangent_of_the_input_the_forward_pass_took(string layout, float[] biases) =>
        Check(layout, biases, stride: 2, (net, x, d) => (net.LossJvp(x, d, out float t), t), (net, x) => net.LossGradient(x));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Overlapping_windows_take_the_tangent_of_the_input_the_forward_pass_took(string layout, float[] biases) =>
        Check(layout, biases, stride: 1, (net, x, d) => (net.OverlappingJvp(x, d, out float t), t), (net, x) => net.OverlappingGradient(x));

    private static void Check(string layout, float[] biases, int stride,
        Func<JvpPoolTieNet, Vec, float[], (float Value, float Tangent)> jvp, Func<JvpPoolTieNet, Vec, float> gradient)
    {
        var net = new JvpPoolTieNet();
        biases.CopyTo(net.b.Span);
        var x = new Vec([0.75f, -1.25f, 0.5f]);
        var random = new Random(3);
        var direction = Enumerable.Range(0, net.Parameters.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        // The tangent of pixel p: its row of W's entries of the direction times x, plus its bias's entry.
        double PixelTangent(int p) => Enumerable.Range(0, Inputs).Sum(k => (double)direction[p * Inputs + k] * x[k]) + direction[Pixels * Inputs + p];

        var taken = Taken(biases, stride);
        var (value, tangent) = jvp(net, x, direction);
        double expected = taken.Sum(PixelTangent);
        Assert.True(Math.Abs(tangent - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{layout}, stride {stride}: Jvp {tangent}, tangent of the inputs taken {expected}");
        Assert.Equal(layout == "NaN", float.IsNaN(value));

        // A test that can fail: taking the last of the tied maxima instead gives another tangent.
        double last = Taken(biases, stride, lastOfTies: true).Sum(PixelTangent);
        Assert.True(Math.Abs(last - expected) > 1e-2, $"{layout}, stride {stride}: the layout does not tell the first of ties from the last");

        // The pullback routes each output's gradient to the same inputs: ∂L/∂b counts how often each pixel was taken.
        net.Parameters.ZeroGradients();
        gradient(net, x);
        var db = net.Parameters.GradientOf(net.b).ToArray();
        for (int p = 0; p < Pixels; p++) Assert.Equal((float)taken.Count(q => q == p), db[p]);
        double dot = net.Parameters.Gradients.ToArray().Select((g, i) => (double)g * direction[i]).Sum();
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * (1 + Math.Abs(dot)), $"{layout}, stride {stride}: Jvp {tangent}, gradient·direction {dot}");
    }

    /// <summary>
    /// The pixel each 2×2 window takes, by the kernel's documented scan: row by row, a value replaces the best so far
    /// when it is greater or NaN (so the first of tied values stays, and NaN wins); or, to show a test that can fail,
    /// the last of tied values.
    /// </summary>
    private static List<int> Taken(float[] values, int stride, bool lastOfTies = false)
    {
        var taken = new List<int>();
        for (int ox = 0; ox + 2 <= Width; ox += stride)
        {
            float best = float.NegativeInfinity;
            int at = ox;
            foreach (int p in new[] { ox, ox + 1, Width + ox, Width + ox + 1 })
            {
                float v = values[p];
                if (v > best || float.IsNaN(v) || (lastOfTies && v == best))
                {
                    best = v;
                    at = p;
                }
            }
            taken.Add(at);
        }
        return taken;
    }
}
