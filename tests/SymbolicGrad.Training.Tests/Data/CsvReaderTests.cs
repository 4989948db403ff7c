namespace SymbolicGrad.Training.Tests.Data;

public class CsvReaderTests
{
    static Dataset Read(string text, CsvOptions? options = null) => Csv.Read(new StringReader(text), "data.csv", options);

    static void AssertRefused(string text, CsvOptions? options, params string[] problem)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(text, options));
        Assert.StartsWith("CSV file 'data.csv'", ex.Message);
        foreach (string part in problem)
        {
            Assert.Contains(part, ex.Message);
        }
    }

    [Fact]
    public void Detects_a_header_and_takes_the_last_column_as_class_label()
    {
        var data = Read("x1,x2,label\n1.5,2,0\n-3,4e-1,2\n");

        Assert.True(data.IsClassification);
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([1.5f, 2f, -3f, 0.4f], data.Features);
        Assert.Equal([0, 2], data.Labels!);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(["x1", "x2"], data.FeatureNames!);
    }

    [Fact]
    public void Reads_a_file_without_header()
    {
        var data = Read("1,2,1\n3,4,0\n");
        Assert.Equal(2, data.Count);
        Assert.Null(data.FeatureNames);
        Assert.Equal([1, 0], data.Labels!);
    }

    [Fact]
    public void An_explicit_header_setting_overrides_detection()
    {
        // Numeric first line taken as a header because the caller says so.
        var data = Read("10,20,30\n1,2,1\n", new CsvOptions { HasHeader = true });
        Assert.Equal(1, data.Count);
        Assert.Equal(["10", "20"], data.FeatureNames!);
    }

    [Fact]
    public void Label_column_by_index_and_from_the_end()
    {
        var first = Read("2,1.5,2.5\n0,3.5,4.5\n", new CsvOptions { LabelColumn = 0 });
        Assert.Equal([2, 0], first.Labels!);
        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f], first.Features);

        var middle = Read("1.5,2,2.5\n3.5,0,4.5\n", new CsvOptions { LabelColumn = -2 });
        Assert.Equal([2, 0], middle.Labels!);
    }

    [Fact]
    public void Label_column_by_name_implies_a_header_and_ignores_case_when_unique()
    {
        var data = Read("a,Species,b\n1,1,2\n3,0,4\n", new CsvOptions { LabelColumnName = "species" });
        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal(["a", "b"], data.FeatureNames!);
    }

    [Fact]
    public void Regression_targets()
    {
        var data = Read("x,y\n1,0.5\n2,-1.25\n", new CsvOptions { LabelKind = CsvLabelKind.Target });
        Assert.False(data.IsClassification);
        Assert.Equal([0.5f, -1.25f], data.Targets!);
        Assert.Equal(1, data.TargetCount);
        Assert.Equal(0, data.ClassCount);
    }

    [Fact]
    public void Text_class_labels_become_indices_in_ordinal_order()
    {
        var data = Read("5.1,3.5,setosa\n6.3,3.3,virginica\n5.8,2.7,versicolor\n4.9,3.0,setosa\n");
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames!);
        Assert.Equal([0, 2, 1, 0], data.Labels!);
        Assert.Equal(3, data.ClassCount);
        Assert.Null(data.FeatureNames);
    }

    [Fact]
    public void Quotes_separators_and_blank_lines()
    {
        var data = Read("\n\"first; name\";\"y\"\"\"\n\n 1.5 ; 2 \n\"2\";1\n\n", new CsvOptions { Separator = ';', HasHeader = true });
        Assert.Equal(["first; name"], data.FeatureNames!);
        Assert.Equal([2, 1], data.Labels!);
        Assert.Equal([1.5f, 2f], data.Features);
    }

    [Fact]
    public void A_declared_class_count_is_used_and_enforced()
    {
        Assert.Equal(10, Read("1,2\n3,4\n", new CsvOptions { ClassCount = 10 }).ClassCount);
        AssertRefused("a,b\n1,2\n3,4\n", new CsvOptions { ClassCount = 3 },
            "line 3, column 2 ('b')", "class label 4 is outside 0..2");
    }

    [Fact]
    public void A_value_that_is_not_a_number_names_line_and_column()
    {
        AssertRefused("a,b,label\n1,2,0\n\n1,x,1\n", null, "line 4, column 2 ('b')", "'x' is not a number");
    }

    [Fact]
    public void A_bad_value_without_header_names_line_and_column_number()
    {
        AssertRefused("1,2,0\n1,2,0\n3,1..5,1\n", null, "line 3, column 2:", "'1..5' is not a number");
    }

    [Fact]
    public void Empty_and_non_finite_values_are_refused()
    {
        AssertRefused("a,b,label\n1,,0\n", null, "line 2, column 2 ('b')", "empty");
        AssertRefused("a,b,label\n1,NaN,0\n", null, "line 2, column 2 ('b')", "not a finite number");
        AssertRefused("a,b,label\n1,2,\n", null, "line 2, column 3 ('label')", "label is empty");
    }

    [Fact]
    public void A_fractional_class_label_is_refused()
    {
        AssertRefused("a,label\n1,0\n2,1.5\n", null, "line 3, column 2 ('label')", "'1.5' is not a class label", "as on line 2");
    }

    [Fact]
    public void Ragged_rows_name_the_line_and_the_expected_count()
    {
        AssertRefused("a,b,label\n1,2,0\n1,2\n", null, "line 3: 2 fields where 3 were expected", "header on line 1");
        AssertRefused("1,2,0\n1,2,0,5\n", null, "line 2: 4 fields where 3 were expected", "as in line 1");
    }

    [Fact]
    public void An_unclosed_quote_is_refused()
    {
        AssertRefused("a,b\n\"1,2\n", null, "line 2", "quoted field starting at character 1 is not closed");
    }

    [Fact]
    public void Empty_and_header_only_files_are_refused()
    {
        AssertRefused("", null, "is empty");
        AssertRefused("\n  \n", null, "is empty");
        AssertRefused("a,b,label\n", null, "has a header but no data rows");
    }

    [Fact]
    public void Label_column_problems_are_refused()
    {
        AssertRefused("a,b\n1,2\n", new CsvOptions { LabelColumnName = "y" }, "no column named 'y'", "columns: a, b");
        AssertRefused("1,2\n3,4\n", new CsvOptions { LabelColumn = 5 }, "label column 5 does not exist", "2 columns");
        AssertRefused("1,2\n3,4\n", new CsvOptions { LabelColumnName = "y", HasHeader = false }, "no header");
        AssertRefused("1;2\n3;4\n", null, "only 1 column", "separator ','");
    }

    [Fact]
    public void Reads_a_file_from_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sg-csv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "a,label\n0.25,1\n");
        try
        {
            var data = Csv.Read(path);
            Assert.Equal([0.25f], data.Features);
            var ex = Assert.Throws<InvalidDataException>(() => { File.WriteAllText(path, "a,label\nq,1\n"); return Csv.Read(path); });
            Assert.Contains($"CSV file '{path}', line 2, column 1 ('a')", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
