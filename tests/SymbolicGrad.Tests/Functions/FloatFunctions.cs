namespace SymbolicGrad.Tests.Functions;

/// <summary>float methods with MathF and casts between float and double.</summary>
public static partial class FloatFunctions
{
    private const float Half = 0.5f;

    [Differentiable]
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    [Differentiable]
    public static float Gabor([NoDiff] float x, float phi0, float phi1)
    {
        float z = phi0 + 0.06f * phi1 * x;
        return MathF.Sin(z) * MathF.Exp(-(z * z) / 32f);
    }

    [Differentiable]
    public static float Polynomial(float x, float y) => x * x * y + 3f * y - Half * x;

    [Differentiable]
    public static float LogSumExp(float a, float b) => MathF.Log(MathF.Exp(a) + MathF.Exp(b));

    [Differentiable]
    public static float TanhSqrt(float x, float y) => MathF.Tanh(x) * MathF.Sqrt(y);

    /// <summary>Computes in double inside a float method: casts both ways.</summary>
    [Differentiable]
    public static float CastsInside(float x, float y)
    {
        double d = (double)x * y;
        double e = Math.Sqrt(d * d + 1.0);
        return (float)e + x;
    }

    [Differentiable]
    public static float PowAndLog(float x, float y) => MathF.Pow(x, y) + MathF.Log(x, 2f) + MathF.Log10(y);

    [Differentiable]
    public static float AbsMaxMin(float x, float y) => MathF.Abs(x) + MathF.Max(x, y) * MathF.Min(x, y);

    [Differentiable]
    public static float Trig(float x) => MathF.Sin(x) + MathF.Cos(2f * x) + MathF.Atan(x) + MathF.Asin(0.5f * x) + MathF.Acos(0.25f * x) + MathF.Tan(0.5f * x);

    [Differentiable]
    public static float Hyperbolic(float x) => MathF.Sinh(x) + MathF.Cosh(x) + MathF.Tanh(x);

    /// <summary>A double method that calls a float one: the cast goes the other way round.</summary>
    [Differentiable]
    public static double FromFloat(double x) => Math.Exp(x) + (double)Sigmoid((float)x);
}
