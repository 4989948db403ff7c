using System;
using System.Globalization;

namespace SymbolicGrad.Generator.Ir;

/// <summary>Constants as C# literals (round-trippable: <c>0.1</c>, <c>2f</c>, <c>double.NaN</c>) or in math notation.</summary>
internal static class Literals
{
    public static (string Text, int Precedence) Format(double value, ScalarKind kind, bool math)
    {
        string text;
        switch (kind)
        {
            case ScalarKind.Boolean:
                return (value != 0 ? "true" : "false", Precedence.Primary);
            case ScalarKind.Int32:
                text = ((int)value).ToString(CultureInfo.InvariantCulture);
                break;
            case ScalarKind.Single:
                text = Float((float)value, math);
                break;
            default:
                text = Double(value, math);
                break;
        }
        return (text, text.StartsWith("-", StringComparison.Ordinal) ? Precedence.Unary : Precedence.Primary);
    }

    /// <summary>A C# string literal of <paramref name="text"/>.</summary>
    public static string String(string text)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }

    private static string Double(double v, bool math)
    {
        if (double.IsNaN(v)) return math ? "NaN" : "double.NaN";
        if (double.IsInfinity(v)) return math ? (v > 0 ? "∞" : "-∞") : v > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        string text = v.ToString("R", CultureInfo.InvariantCulture);
        if (math) return text;
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    private static string Float(float v, bool math)
    {
        if (float.IsNaN(v)) return math ? "NaN" : "float.NaN";
        if (float.IsInfinity(v)) return math ? (v > 0 ? "∞" : "-∞") : v > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        string text = v.ToString("R", CultureInfo.InvariantCulture);
        return math ? text : text + "f";
    }
}
