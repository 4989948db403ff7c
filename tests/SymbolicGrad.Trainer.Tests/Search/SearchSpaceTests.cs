namespace SymbolicGrad.TrainerTests.Search;

public class SearchSpaceTests
{
    [Fact]
    public void Grid_values_span_each_range_and_the_grid_is_their_product()
    {
        var space = new SearchSpace()
            .LogUniform("lr", 0.001, 0.1, gridPoints: 3)
            .Uniform("dropout", 0, 0.5, gridPoints: 2)
            .Choice("hidden", new[] { 64 }, new[] { 256, 128 });

        Assert.Equal(12, space.GridSize);
        var lr = space.Parameters[0].GridValues().Cast<double>().ToArray();
        Assert.Equal(0.001, lr[0]);
        Assert.Equal(0.01, lr[1], 12);
        Assert.Equal(0.1, lr[2]);
        Assert.Equal([0.0, 0.5], space.Parameters[1].GridValues().Cast<double>());
        Assert.Equal(0.01, new SearchSpace().LogUniform("lr", 0.001, 0.1, gridPoints: 1).Parameters[0].GridValues().Cast<double>().Single(), 12);
        Assert.Equal(SearchParameterKind.Choice, space.Parameters[2].Kind);
        Assert.Equal(2, space.Parameters[2].GridPoints);
        Assert.Equal("256,128", SearchParameter.Format(space.Parameters[2].Values[1]));
    }

    [Fact]
    public void Bad_ranges_and_names_are_refused_naming_the_parameter()
    {
        Assert.Contains("\"lr\"", Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().LogUniform("lr", 0, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().LogUniform("lr", 0.1, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().LogUniform("lr", 0.1, double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().Uniform("p", double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().Uniform("p", 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().Uniform("p", 0, 1, gridPoints: 0));
        Assert.Contains("at least one value", Assert.Throws<ArgumentException>(() => new SearchSpace().Choice<int>("batch")).Message);
        Assert.Contains("already", Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("a", 1).Choice("a", 2)).Message);
        Assert.Contains("column", Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("epochs", 1)).Message);
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("a,b", 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice(" a", 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("", 1));
        Assert.Contains("value 1 is null", Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("s", "a", null!)).Message);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { Epochs = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { Patience = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { ValidationFraction = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { ValidationFraction = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { MaxConcurrency = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { MaxConcurrency = Parallelism.Limit + 1 });
        Assert.Null(new SearchOptions { Patience = null }.Patience);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrialSetup(new Models.ScriptedModel(1), new Sgd(0.1f), 0));
    }
}
