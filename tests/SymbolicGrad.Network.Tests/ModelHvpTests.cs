using SymbolicGrad.Network.Tests.Checking;
using SymbolicGrad.Network.Tests.Models.SecondOrder;
using static SymbolicGrad.Network.Tests.Checking.HvpChecks;

namespace SymbolicGrad.Network.Tests;

/// <summary>
/// <c>NameHvp</c> of model methods, per sample, over the flat parameter layout (direction, gradient and H·v each laid
/// out like <c>Parameters.Values</c>): H·v against central differences of the generated gradient along v, the gradient
/// and value it gives against the generated gradient's bit for bit, symmetry of H, a closed form, buffers added into,
/// their lengths checked, NaN shown, no allocation once warm, and threads on one model at once.
/// </summary>
public sealed partial class ModelHvpTests
{
    private const int In = 6, Hidden = 5, Classes = 4;

    public static TheoryData<string> Names => new(Cases(1).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_matches_central_differences_of_the_generated_gradient_along_v(string name)
    {
        for (int seed = 1; seed <= 3; seed++) HvpChecks.MatchesCentralDifferencesOfTheGradient(Cases(seed).Single(x => x.Name == name), seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_adds_the_gradient_NameGradient_adds_and_returns_its_value_bit_for_bit(string name)
    {
        for (int seed = 1; seed <= 3; seed++) HvpChecks.AddsTheGradientBitForBit(Cases(seed).Single(x => x.Name == name), seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_value_is_the_methods_value(string name)
    {
        var c = Cases(2).Single(x => x.Name == name);
        float value = c.Hvp(RandomDirection(c.Model, 2), Zeros(c), Zeros(c));
        float plain = c.Loss();
        // Ops.Tanh and Ops.Sigmoid are TensorPrimitives', whose vector lanes may round an ulp apart from the generated
        // code's MathF (as for the gradient's value; ForwardTests).
        Assert.True(Math.Abs(value - plain) <= 1e-6 * Math.Abs(plain), $"{name}: Hvp {value}, method {plain}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_Hessian_is_symmetric_uT_H_v_equals_vT_H_u(string name)
    {
        for (int seed = 1; seed <= 3; seed++) HvpChecks.IsSymmetric(Cases(seed).Single(x => x.Name == name), seed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_and_hv_are_added_into(string name)
    {
        var c = Cases(4).Single(x => x.Name == name);
        var v = RandomDirection(c.Model, 4);
        var gradient = Zeros(c);
        var hv = Zeros(c);
        c.Hvp(v, gradient, hv);
        var gradientTwice = gradient.Select(g => 1.5f).ToArray();
        var hvTwice = hv.Select(h => -2.5f).ToArray();
        c.Hvp(v, gradientTwice, hvTwice);
        // Several terms go in one after another, so the float sums round as they do, not as 1.5 + (their sum).
        for (int i = 0; i < hv.Length; i++)
        {
            Assert.True(Math.Abs(1.5f + gradient[i] - gradientTwice[i]) <= 1e-6 * (2 + Math.Abs(gradient[i])), $"{name}: gradient[{i}] {gradientTwice[i]}, expected 1.5 + {gradient[i]}");
            Assert.True(Math.Abs(-2.5f + hv[i] - hvTwice[i]) <= 1e-6 * (3 + Math.Abs(hv[i])), $"{name}: hv[{i}] {hvTwice[i]}, expected −2.5 + {hv[i]}");
        }
        Assert.Contains(hv, h => h != 0);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_buffer_of_the_wrong_length_is_an_ArgumentException_naming_it(string name) =>
        HvpChecks.RefusesBuffersOfTheWrongLength(Cases(3).Single(x => x.Name == name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_zero_direction_gives_zero_hv_and_NaN_in_the_direction_shows(string name) =>
        HvpChecks.ZeroDirectionGivesZeroAndTheLastWeightsNaNShows(Cases(4).Single(x => x.Name == name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Hvp_allocates_nothing_once_warm(string name) => HvpChecks.AllocatesNothingOnceWarm(Cases(5).Single(x => x.Name == name), 5);

    [Fact]
    public void A_linear_model_with_mse_has_the_exact_closed_form_Hessian()
    {
        // L = (1/n)·Σᵢ (W·x + b − y)ᵢ², n outputs: (H·v)_W[i, j] = (2/n)·xⱼ·sᵢ and (H·v)_b[i] = (2/n)·sᵢ with
        // sᵢ = Σₗ vW[i, l]·xₗ + vb[i], whatever W and b are. Dyadic inputs and direction: every step is exact.
        const int Inputs = 3, Outputs = 4;
        var net = new HvpLinearMseNet(Inputs, Outputs, seed: 5);
        var x = new Vec(new[] { 0.5f, -1f, 2f });
        var y = new Vec(new[] { 0.25f, 1f, -0.5f, 3f });
        int count = net.Parameters.Count;
        Assert.Equal(Outputs * Inputs + Outputs, count);
        var v = Enumerable.Range(0, count).Select(k => (k % 5 - 2) * 0.25f).ToArray();
        var hv = new float[count];
        net.ErrorHvp(x, y, v, new float[count], hv);
        var expected = new float[count];
        for (int i = 0; i < Outputs; i++)
        {
            float s = v[Outputs * Inputs + i];
            for (int l = 0; l < Inputs; l++) s += v[i * Inputs + l] * x[l];
            for (int j = 0; j < Inputs; j++) expected[i * Inputs + j] = 2f / Outputs * x[j] * s;
            expected[Outputs * Inputs + i] = 2f / Outputs * s;
        }
        Assert.Equal(expected, hv);
        Assert.Contains(expected, e => e != 0);
    }

    [Fact]
    public void A_weight_outside_the_parameter_store_is_an_InvalidOperationException_naming_it()
    {
        var net = new HvpOddNames(In, 1);
        int count = net.Parameters.Count;
        var error = Assert.Throws<InvalidOperationException>(() =>
            net.OutsideHvp(RandomVec(new Random(1), In), new float[count], new float[count], new float[count]));
        Assert.Contains("outside is not a view into Parameters", error.Message);
    }

    [Fact]
    public void Two_threads_calling_one_models_Hvp_at_once_get_the_sequential_results()
    {
        const int Threads = 2, Calls = 200;
        var net = new HvpTanhSoftmaxNet(In, Hidden, Classes, seed: 3);
        int count = net.Parameters.Count;
        var random = new Random(11);
        var inputs = Enumerable.Range(0, 16).Select(_ => RandomVec(random, In)).ToArray();
        var directions = Enumerable.Range(0, 4).Select(k => RandomDirection(net, 40 + k)).ToArray();
        float[] Call(int t, int j)
        {
            var gradient = new float[count];
            var hv = new float[count];
            float value = net.LossHvp(inputs[(t * 5 + j) % inputs.Length], (t + j) % Classes, directions[(t + j) % directions.Length], gradient, hv);
            return gradient.Concat(hv).Append(value).ToArray();
        }
        Concurrently.AssertSameAsSequential(Threads, Calls, Call);
    }

    [Fact]
    public void Hvp_and_Jvp_of_one_method_agree_on_the_gradient_along_v()
    {
        // The Jvp's tangent is ∇L·v; the Hvp's gradient dotted with v is the same number.
        var net = new HvpTanhSoftmaxNet(In, Hidden, Classes, seed: 8);
        var x = RandomVec(new Random(8), In);
        var v = RandomDirection(net, 8);
        var gradient = new float[net.Parameters.Count];
        net.LossHvp(x, 1, v, gradient, new float[gradient.Length]);
        net.LossJvp(x, 1, v, out float tangent);
        double dot = gradient.Select((g, i) => (double)g * v[i]).Sum();
        Assert.True(Math.Abs(tangent - dot) <= 1e-5 * (1 + Math.Abs(dot)), $"Jvp {tangent}, gradient·v {dot}");
    }

    // ---- The cases ------------------------------------------------------------------------------

    private static IEnumerable<HvpCase> Cases(int seed)
    {
        var random = new Random(seed);
        {
            var net = new HvpReluSoftmaxNet(In, Hidden, Classes, seed);
            var x = RandomVec(random, In);
            int label = seed % Classes;
            yield return new HvpCase("HvpReluSoftmaxNet.Loss", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpTanhSoftmaxNet(In, Hidden, Classes, seed);
            var x = RandomVec(random, In);
            int label = (seed + 1) % Classes;
            yield return new HvpCase("HvpTanhSoftmaxNet.Loss", net, () => net.Loss(x, label), () => net.LossGradient(x, label),
                (v, g, h) => net.LossHvp(x, label, v, g, h));
        }
        {
            var net = new HvpSigmoidMseNet(In, Hidden, Classes, seed);
            var x = RandomVec(random, In);
            var y = RandomVec(random, Classes);
            yield return new HvpCase("HvpSigmoidMseNet.Error (LeakyRelu)", net, () => net.Error(x, y), () => net.ErrorGradient(x, y),
                (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            var net = new HvpLinearMseNet(In, Classes, seed);
            var x = RandomVec(random, In);
            var y = RandomVec(random, Classes);
            yield return new HvpCase("HvpLinearMseNet.Error", net, () => net.Error(x, y), () => net.ErrorGradient(x, y),
                (v, g, h) => net.ErrorHvp(x, y, v, g, h));
        }
        {
            var net = new HvpOddNames(In, seed);
            var x = RandomVec(random, In);
            var w = RandomVec(random, 3);
            yield return new HvpCase("HvpOddNames.Loss (field batch)", net, () => net.Loss(x, w), () => net.LossGradient(x, w),
                (v, g, h) => net.LossHvp(x, w, v, g, h));
        }
        foreach (var c in LayerLoopCases(seed)) yield return c;
    }
}
