using System.Globalization;

namespace SymbolicGrad;

/// <summary>
/// Reads numeric CSV files into a <see cref="Dataset"/>: every column but one is a feature, the remaining one
/// is the label (a class or a regression target). Errors name the file, the line and the column.
/// </summary>
public static class Csv
{
    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file (UTF-8, or with a byte-order mark).</param>
    /// <param name="options">Separator, header and label column; defaults: ',', header auto-detected, last column is a class label.</param>
    /// <exception cref="InvalidDataException">The file is empty, ragged, or holds a value that is not a number; the message says where.</exception>
    public static Dataset Read(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Read(reader, path, options);
    }

    /// <summary>Reads CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="name">The name used in error messages.</param>
    /// <param name="options">Separator, header and label column.</param>
    /// <exception cref="InvalidDataException">The text is empty, ragged, or holds a value that is not a number; the message says where.</exception>
    public static Dataset Read(TextReader reader, string name, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new CsvOptions();
        if (options.ClassCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ClassCount, "CsvOptions.ClassCount must be at least 1.");
        }
        return new CsvParse(reader, name, options).Run();
    }

    /// <summary>State of one read: the lines, the header, the label column and the values collected so far.</summary>
    sealed class CsvParse(TextReader reader, string name, CsvOptions options)
    {
        int _lineNumber;
        string[]? _header;
        int _headerLine;
        int _columns;
        int _shapeLine;
        int _labelColumn;
        bool? _namedClasses;
        int _firstLabelLine;
        readonly List<float> _features = [];
        readonly List<float> _targets = [];
        readonly List<int> _labels = [];
        readonly List<string> _labelNames = [];

        public Dataset Run()
        {
            var first = NextFields(out int firstLine);
            if (first is null)
            {
                throw new InvalidDataException($"CSV file '{name}' is empty.");
            }
            var second = NextFields(out int secondLine);

            bool header = options.HasHeader ?? (options.LabelColumnName is not null || LooksLikeHeader(first, second));
            if (header)
            {
                _header = first.ToArray();
                _headerLine = firstLine;
            }
            _columns = first.Count;
            _shapeLine = firstLine;
            _labelColumn = FindLabelColumn();

            if (!header)
            {
                AddRow(first, firstLine);
            }
            if (second is not null)
            {
                AddRow(second, secondLine);
                while (NextFields(out int line) is { } fields)
                {
                    AddRow(fields, line);
                }
            }

            int rows = options.LabelKind == CsvLabelKind.Target ? _targets.Count : Math.Max(_labels.Count, _labelNames.Count);
            if (rows == 0)
            {
                throw new InvalidDataException($"CSV file '{name}' has a header but no data rows.");
            }
            return Build();
        }

        Dataset Build()
        {
            int featureCount = _columns - 1;
            string[]? featureNames = _header?.Where((_, c) => c != _labelColumn).ToArray();
            float[] features = [.. _features];
            if (options.LabelKind == CsvLabelKind.Target)
            {
                return new Dataset(features, featureCount, _targets.ToArray()) { FeatureNames = featureNames };
            }
            if (_namedClasses == true)
            {
                var classNames = _labelNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                if (options.ClassCount is int declared && declared < classNames.Length)
                {
                    throw new InvalidDataException($"CSV file '{name}': the label column holds {classNames.Length} different class names but CsvOptions.ClassCount is {declared}.");
                }
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < classNames.Length; i++)
                {
                    index[classNames[i]] = i;
                }
                var labels = _labelNames.Select(n => index[n]).ToArray();
                return new Dataset(features, featureCount, labels, options.ClassCount ?? classNames.Length) { FeatureNames = featureNames, ClassNames = classNames };
            }
            int classCount = options.ClassCount ?? _labels.Max() + 1;
            return new Dataset(features, featureCount, _labels.ToArray(), classCount) { FeatureNames = featureNames };
        }

        void AddRow(List<string> fields, int line)
        {
            if (fields.Count != _columns)
            {
                string reference = _header is not null ? $"the header on line {_headerLine}" : $"line {_shapeLine}";
                throw new InvalidDataException($"CSV file '{name}', line {line}: {fields.Count} field{(fields.Count == 1 ? "" : "s")} where {_columns} were expected (as in {reference}); rows must all have the same number of fields.");
            }
            for (int c = 0; c < fields.Count; c++)
            {
                if (c == _labelColumn)
                {
                    AddLabel(fields[c], line, c);
                }
                else
                {
                    _features.Add(ParseNumber(fields[c], line, c));
                }
            }
        }

        void AddLabel(string text, int line, int column)
        {
            if (options.LabelKind == CsvLabelKind.Target)
            {
                _targets.Add(ParseNumber(text, line, column));
                return;
            }
            if (text.Length == 0)
            {
                throw CellError(line, column, "the label is empty; missing values are not supported");
            }
            bool integral = TryParseClass(text, out int label);
            if (_namedClasses is null)
            {
                // The first label decides: numbers mean class indices, text means class names.
                _namedClasses = !integral && !IsNumber(text);
                _firstLabelLine = line;
            }
            if (_namedClasses == true)
            {
                _labelNames.Add(text);
                return;
            }
            if (!integral)
            {
                throw CellError(line, column, $"'{text}' is not a class label: labels are non-negative integers here (as on line {_firstLabelLine})");
            }
            if (options.ClassCount is int classCount && label >= classCount)
            {
                throw CellError(line, column, $"class label {label} is outside 0..{classCount - 1} (CsvOptions.ClassCount is {classCount})");
            }
            _labels.Add(label);
        }

        float ParseNumber(string text, int line, int column)
        {
            if (text.Length == 0)
            {
                throw CellError(line, column, "the value is empty; missing values are not supported");
            }
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            {
                throw CellError(line, column, $"'{text}' is not a number");
            }
            if (!float.IsFinite(value))
            {
                throw CellError(line, column, $"'{text}' is not a finite number");
            }
            return value;
        }

        InvalidDataException CellError(int line, int column, string problem)
        {
            string columnName = _header is not null ? $" ('{_header[column]}')" : "";
            return new InvalidDataException($"CSV file '{name}', line {line}, column {column + 1}{columnName}: {problem}.");
        }

        int FindLabelColumn()
        {
            if (_columns < 2)
            {
                throw new InvalidDataException($"CSV file '{name}', line {_shapeLine}: only {_columns} column; a dataset needs at least one feature column and a label column (is the separator '{options.Separator}' right?).");
            }
            if (options.LabelColumnName is string wanted)
            {
                if (_header is null)
                {
                    throw new InvalidDataException($"CSV file '{name}': the label column is given by name ('{wanted}') but the file has no header (CsvOptions.HasHeader is false).");
                }
                int found = Array.IndexOf(_header, wanted);
                if (found < 0)
                {
                    var loose = _header.Select((h, i) => (h, i)).Where(p => string.Equals(p.h, wanted, StringComparison.OrdinalIgnoreCase)).ToArray();
                    found = loose.Length == 1 ? loose[0].i : -1;
                }
                if (found < 0)
                {
                    throw new InvalidDataException($"CSV file '{name}': no column named '{wanted}' in the header on line {_headerLine} (columns: {string.Join(", ", _header)}).");
                }
                return found;
            }
            int index = options.LabelColumn < 0 ? _columns + options.LabelColumn : options.LabelColumn;
            if (index < 0 || index >= _columns)
            {
                throw new InvalidDataException($"CSV file '{name}': label column {options.LabelColumn} does not exist; the file has {_columns} columns (0..{_columns - 1}, or -1..-{_columns} from the end).");
            }
            return index;
        }

        List<string>? NextFields(out int line)
        {
            string? text;
            do
            {
                text = reader.ReadLine();
                _lineNumber++;
            }
            while (text is not null && string.IsNullOrWhiteSpace(text));
            line = _lineNumber;
            if (text is null)
            {
                return null;
            }
            var fields = new List<string>();
            string? error = CsvFieldSplitter.Split(text, options.Separator, fields);
            if (error is not null)
            {
                throw new InvalidDataException($"CSV file '{name}', line {line}: {error}.");
            }
            return fields;
        }

        static bool LooksLikeHeader(List<string> first, List<string>? second)
        {
            for (int c = 0; c < first.Count; c++)
            {
                if (!IsNumber(first[c]) && (second is null || (c < second.Count && IsNumber(second[c]))))
                {
                    return true;
                }
            }
            return false;
        }

        static bool IsNumber(string text) =>
            float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

        static bool TryParseClass(string text, out int label)
        {
            label = 0;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || value < 0 || value > int.MaxValue || value != Math.Floor(value))
            {
                return false;
            }
            label = (int)value;
            return true;
        }
    }
}
