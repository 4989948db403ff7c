using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicGrad;

/// <summary>Finds NaN and infinite values fast (the trainer checks every gradient before stepping).</summary>
internal static class FiniteCheck
{
    /// <summary>True when every element is finite: x − x is 0 for finite x and NaN for NaN or ±∞.</summary>
    internal static bool AllFinite(ReadOnlySpan<float> values)
    {
        var acc = Vector<float>.Zero;
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = Vector.LoadUnsafe(ref start, (nuint)i);
            acc += v - v;
        }

        float tail = 0f;
        for (; i < values.Length; i++)
        {
            tail += values[i] - values[i];
        }

        return Vector.Sum(acc) + tail == 0f;
    }

    /// <summary>
    /// The largest |x| of <paramref name="values"/> (0 when empty), or +∞ when any element is NaN or infinite. The bits
    /// of |x| ordered as integers order the magnitudes, and NaN and ±∞ have the largest, so one integer max decides both.
    /// </summary>
    internal static float MaxMagnitude(ReadOnlySpan<float> values)
    {
        ref int start = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        int max = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<int>.Count)
        {
            var magnitude = Vector256.Create(int.MaxValue);
            var acc = Vector256<int>.Zero;

            // A maximum does not depend on the order: the 16-float body (Kernels.UseVector512) gives the same result.
            if (Kernels.UseVector512 && values.Length >= Vector512<int>.Count)
            {
                var magnitude512 = Vector512.Create(int.MaxValue);
                var acc512 = Vector512<int>.Zero;
                for (; i <= values.Length - Vector512<int>.Count; i += Vector512<int>.Count)
                {
                    acc512 = Vector512.Max(acc512, Vector512.LoadUnsafe(ref start, (nuint)i) & magnitude512);
                }

                acc = Vector256.Max(acc512.GetLower(), acc512.GetUpper());
            }

            for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref start, (nuint)i) & magnitude);
            }

            var half = Vector128.Max(acc.GetLower(), acc.GetUpper());
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
            max = half.ToScalar();
        }

        for (; i < values.Length; i++)
        {
            max = Math.Max(max, Unsafe.Add(ref start, i) & int.MaxValue);
        }

        return max >= FiniteLimit ? float.PositiveInfinity : BitConverter.Int32BitsToSingle(max);
    }

    // The bits of +∞: every finite |x| is below, NaN and ±∞ at or above.
    private const int FiniteLimit = 0x7F800000;

    /// <summary>Index of the first NaN or infinite element, or -1.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Names element <paramref name="index"/> of the store, e.g. <c>W1[3, 7]</c> or <c>b2[4]</c>.</summary>
    internal static string NameOf(ParameterStore parameters, int index)
    {
        foreach (var p in parameters.Layout)
        {
            if (index >= p.Offset && index < p.Offset + p.Length)
            {
                int local = index - p.Offset;
                return p.IsMatrix ? $"{p.Name}[{local / p.Cols}, {local % p.Cols}]" : $"{p.Name}[{local}]";
            }
        }

        return $"element {index}";
    }
}
