using System.Text;

namespace SymbolicGrad;

/// <summary>
/// Splits one CSV line into trimmed fields; a field may be double-quoted, with "" for a quote inside it.
/// Quoted fields cannot span lines.
/// </summary>
internal static class CsvFieldSplitter
{
    /// <summary>Fills <paramref name="fields"/>; returns an error description or null.</summary>
    public static string? Split(string line, char separator, List<string> fields)
    {
        fields.Clear();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i]))
            {
                i++;
            }
            if (i < line.Length && line[i] == '"')
            {
                int open = i;
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (!closed)
                {
                    return $"the quoted field starting at character {open + 1} is not closed";
                }
                while (i < line.Length && line[i] != separator)
                {
                    if (!char.IsWhiteSpace(line[i]))
                    {
                        return $"unexpected text after the closing quote at character {i + 1}";
                    }
                    i++;
                }
                fields.Add(field.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != separator)
                {
                    i++;
                }
                fields.Add(line[start..i].Trim());
            }
            if (i >= line.Length)
            {
                return null;
            }
            i++; // the separator
        }
    }
}
