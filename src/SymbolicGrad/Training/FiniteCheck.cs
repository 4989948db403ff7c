using System.Numerics;
using System.Runtime.InteropServices;

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
