using static SymbolicGrad.Ops;

namespace SymbolicGrad.Runtime.Tests;

public class ImageTests
{
    [Fact]
    public void An_image_views_chw_memory_without_copying()
    {
        var data = Enumerable.Range(0, 30).Select(i => (float)i).ToArray();
        var image = new Image(data, 6, 2, 3, 4); // 24 pixels from index 6

        Assert.Equal("Image[2×3×4]", image.ToString());
        Assert.Equal(24, image.Length);
        Assert.Equal(6 + (1 * 3 + 2) * 4 + 3, image[1, 2, 3]);
        image[0, 0, 1] = -1f;
        Assert.Equal(-1f, data[7]);
        Assert.Equal(6 + 12 + 4, image.Channel(1)[1, 0]);
        Assert.Same(data, Flatten(image).Array);
        Assert.Equal(data[6..30], Flatten(image).ToArray());
        Assert.Throws<IndexOutOfRangeException>(() => image[2, 0, 0]);
        Assert.Throws<IndexOutOfRangeException>(() => image[0, 0, 4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(data, 10, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => new Image(data, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(-1, 3, 4));
    }

    [Fact]
    public void A_row_of_a_batch_is_viewed_as_an_image_in_place()
    {
        var batch = new Mat(Reference.Random(3 * 12, 1), 3, 12);
        var image = batch.Row(1).AsImage(3, 2, 2);

        Assert.Same(batch.Array, image.Array);
        Assert.Equal(12, image.Offset);
        Assert.Equal(batch[1, 7], image[1, 1, 1]);
        Assert.Throws<ArgumentException>(() => batch.Row(0).AsImage(1, 3, 3));
    }

    [Fact]
    public void Relu_of_an_image_keeps_its_shape_in_new_memory()
    {
        var image = new Image([1f, -2f, 0f, -0.5f, 3f, float.NaN], 1, 2, 3);
        var result = Relu(image);

        Assert.NotSame(image.Array, result.Array);
        Assert.Equal("Image[1×2×3]", result.ToString());
        Assert.Equal([1f, 0f, 0f, 0f, 3f], result.ToArray()[..5]);
        Assert.True(float.IsNaN(result[0, 1, 2]));
    }
}
