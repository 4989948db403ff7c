namespace SymbolicGrad.Tests.Functions;

/// <summary>Loops and arrays: every loop form, exits, nesting, recurrences, float and span parameters.</summary>
public static partial class Loops
{
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Horner(double[] c, double x)
    {
        double p = 0;
        for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
        return p;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double LeastSquares([NoDiff] double[] xs, [NoDiff] double[] ys, double w, double b)
    {
        double loss = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double r = w * xs[i] + b - ys[i];
            loss += r * r;
        }
        return loss / xs.Length;
    }

    [Differentiable]
    public static double ForeachSumOfSquares(double[] v)
    {
        double s = 0;
        foreach (double e in v) s += e * e;
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double PowerByLoop(double x, int n)
    {
        double p = 1;
        for (int k = 0; k < n; k++) p *= x;
        return p;
    }

    [Differentiable]
    public static double WhileHalving(double x)
    {
        // The number of iterations depends on the differentiable value; the derivative is that of the iterations taken.
        double y = x;
        while (y > 1.0) y = y * 0.5 + 0.1 * x;
        return y;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double DoWhileNewtonSqrt(double a)
    {
        double r = a;
        int k = 0;
        do
        {
            r = 0.5 * (r + a / r);
            k++;
        } while (k < 6);
        return r;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double BreakAtThreshold(double[] v, [NoDiff] double limit)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (s > limit) break;
            s += v[i] * v[i];
        }
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double ContinueSkipsNegatives(double[] v, double w)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] < 0) continue;
            s += w * v[i];
        }
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double ReturnInsideLoop(double[] v, double x)
    {
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] * x > 2.0) return v[i] * x * x;
        }
        return x;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double NestedLoops(double[] a, double x)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double t = a[i];
            for (int j = 0; j < i; j++) t = t * x + a[j];
            s += t;
        }
        return s;
    }

    [Differentiable]
    public static double NestedProducts(double x, double y)
    {
        double s = 0;
        for (int i = 1; i <= 3; i++)
        {
            double p = 1;
            for (int j = 0; j < i; j++) p *= x + j * y;
            s += p / i;
        }
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double TwoCarriedRecurrence(double a, double b, int n)
    {
        // Fibonacci-like: (u, v) → (v, u + a·v), both carried.
        double u = b;
        double v = a;
        for (int k = 0; k < n; k++)
        {
            double next = u + a * v;
            u = v;
            v = next;
        }
        return u + v;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double SwapEachIteration(double x, double y)
    {
        double p = x;
        double q = y;
        for (int k = 0; k < 3; k++)
        {
            double t = p;
            p = q * 0.5;
            q = t + p;
        }
        return p * q;
    }

    [Differentiable]
    public static float FloatPolynomial(float[] c, float x)
    {
        float p = 0f;
        for (int i = c.Length - 1; i >= 0; i--) p = p * x + c[i];
        return p;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double SpanWeightedSum(ReadOnlySpan<double> w, [NoDiff] ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += w[i] * Math.Tanh(x[i]);
        return s;
    }

    [Differentiable]
    public static float FloatSpanSoftplusSum(ReadOnlySpan<float> z)
    {
        float s = 0f;
        foreach (float e in z) s += MathF.Log(1f + MathF.Exp(e));
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double LogSumExpLoop(double[] z)
    {
        double m = z[0];
        for (int i = 1; i < z.Length; i++) m = Math.Max(m, z[i]);
        double s = 0;
        for (int i = 0; i < z.Length; i++) s += Math.Exp(z[i] - m);
        return m + Math.Log(s);
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double PrefixProductSum(double[] a)
    {
        double prefix = 1;
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            prefix *= a[i];
            total += prefix;
        }
        return total;
    }

    [Differentiable]
    public static double ComputedIndex(double[] a, double x)
    {
        double s = 0;
        for (int i = 0; i < a.Length / 2; i++) s += a[2 * i] * x + a[a.Length - 1 - i];
        return s;
    }

    [Differentiable]
    public static double GuardedNeighbour(double[] a)
    {
        // a[i - 1] is read only where i > 0: the guard keeps the read where the user's code has it.
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += i > 0 ? a[i] * a[i - 1] : a[i];
        return s;
    }

    [Differentiable]
    public static double StepByTwo(double[] a, double x)
    {
        double s = 0;
        for (int i = a.Length - 1; i >= 0; i -= 2) s = s * x + a[i];
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double WhileWithIntCounter(double x, int n)
    {
        double y = x;
        int k = n;
        while (k > 0)
        {
            y = Math.Sin(y) + x;
            k--;
        }
        return y;
    }

    [Differentiable]
    public static double EarlyExitSearch(double[] v, double target)
    {
        double best = 0;
        int i = 0;
        while (true)
        {
            if (i >= v.Length) break;
            double d = v[i] - target;
            if (d * d < 0.01) return v[i] * target;
            best += d * d;
            i++;
        }
        return best;
    }

    [Differentiable]
    public static double ConditionalAccumulation(double[] v, double w)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] * w > 0) s += v[i] * w;
            else s -= 0.1 * v[i] * w;
        }
        return s;
    }

    [Differentiable]
    public static double LoopInvariantWork(double[] v, double a, double b)
    {
        // Math.Exp(a * b) does not change in the loop: it is computed once, before it.
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * Math.Exp(a * b);
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double LoopOverScalarsOnly(double x, double y)
    {
        double s = x;
        for (int k = 0; k < 4; k++) s = s * y + Math.Cos(s);
        return s;
    }

    [Differentiable(Jvp = true, Hessian = true)]
    public static double ArrayLengthInArithmetic(double[] v)
    {
        double mean = 0;
        for (int i = 0; i < v.Length; i++) mean += v[i];
        mean /= v.Length;
        double variance = 0;
        foreach (double e in v) variance += (e - mean) * (e - mean);
        return variance / v.Length;
    }

    [Differentiable]
    public static double ReturnOnTheFirstIteration(double[] v, double x)
    {
        // The return's condition folds to true: the loop leaves in its first iteration, and the return value, set by
        // that iteration without any iteration reading it, carries the whole derivative (found by the loop programs).
        double start = 1.75;
        double s = x * v[0];
        for (int i = 0; i < v.Length; i++)
        {
            s += Math.Sin(s) * v[i];
            if (start > 0.5) return s * x;
        }
        return s;
    }

    [Differentiable]
    public static double OverwrittenEachIteration(double[] v, double x)
    {
        // No iteration reads last: only the final iteration's value reaches the result.
        double last = 0;
        for (int i = 0; i < v.Length; i++) last = v[i] * x;
        return last * last;
    }

    [Differentiable]
    public static double Rotation(double x, int n)
    {
        // (u, v) turns by the angle x each iteration: after n, (cos nx, sin nx). Two carried values, both taped.
        double u = 1;
        double v = 0;
        for (int k = 0; k < n; k++)
        {
            double next = u * Math.Cos(x) - v * Math.Sin(x);
            v = u * Math.Sin(x) + v * Math.Cos(x);
            u = next;
        }
        return u + 2 * v;
    }
}
