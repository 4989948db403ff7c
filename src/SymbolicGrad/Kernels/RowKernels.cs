using System.Runtime.Intrinsics;

namespace SymbolicGrad.CompilerServices;

// The bodies of the row kernels (Kernels.AddBiasRows, AddBiasReluRows, ReluBackward…) as IRowLoops over pinned memory,
// so RowJob can cut them into ranges of rows on the worker pool; each element's arithmetic is the same in the vector
// and the scalar path (16-float, 8-float or scalar: Kernels.UseVector512 only picks the width), so the cut changes no bit.

/// <summary>Rows of <c>m = m + bias</c>, or <c>m = max(m + bias, 0)</c> when relu (NaN stays NaN, as <see cref="MathF.Max(float, float)"/>).</summary>
internal readonly unsafe struct BiasRows(float* m, float* bias, int cols, bool relu) : IRowLoop
{
    public void Run(int first, int end)
    {
        bool wide = Kernels.UseVector512;
        for (int r = first; r < end; r++)
        {
            float* row = m + (nint)r * cols;
            int j = 0;
            if (wide)
            {
                for (; j + 16 <= cols; j += 16)
                {
                    var v = Vector512.Load(row + j) + Vector512.Load(bias + j);
                    (relu ? Vector512.Max(v, Vector512<float>.Zero) : v).Store(row + j);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= cols; j += 8)
                {
                    var v = Vector256.Load(row + j) + Vector256.Load(bias + j);
                    (relu ? Vector256.Max(v, Vector256<float>.Zero) : v).Store(row + j);
                }
            }

            for (; j < cols; j++)
            {
                float v = row[j] + bias[j];
                row[j] = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }
}

/// <summary>Elements [first, end) of <c>gradInput (+)= activation &gt; 0 ? gradOutput : 0</c>.</summary>
internal readonly unsafe struct ReluBackwardRange(float* activation, float* gradOutput, float* gradInput, bool accumulate) : IRowLoop
{
    public void Run(int first, int end)
    {
        int i = first;
        if (Kernels.UseVector512)
        {
            for (; i + 16 <= end; i += 16)
            {
                var mask = Vector512.GreaterThan(Vector512.Load(activation + i), Vector512<float>.Zero);
                var g = Vector512.Load(gradOutput + i) & mask;
                if (accumulate)
                {
                    g += Vector512.Load(gradInput + i);
                }

                g.Store(gradInput + i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= end; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.Load(activation + i), Vector256<float>.Zero);
                var g = Vector256.Load(gradOutput + i) & mask;
                if (accumulate)
                {
                    g += Vector256.Load(gradInput + i);
                }

                g.Store(gradInput + i);
            }
        }

        for (; i < end; i++)
        {
            float g = activation[i] > 0f ? gradOutput[i] : 0f;
            gradInput[i] = accumulate ? gradInput[i] + g : g;
        }
    }
}

/// <summary>Elements [first, end) of the sigmoid's (<c>gradOutput·s·(1 − s)</c>) or the tanh's (<c>gradOutput·(1 − t²)</c>) backward pass.</summary>
internal readonly unsafe struct SquashBackwardRange(float* output, float* gradOutput, float* gradInput, bool tanh) : IRowLoop
{
    public void Run(int first, int end)
    {
        for (int i = first; i < end; i++)
        {
            float y = output[i];
            gradInput[i] = tanh ? gradOutput[i] * (1f - y * y) : gradOutput[i] * y * (1f - y);
        }
    }
}
