using System.Text.Json;

namespace MnistConvert;

/// <summary>One 28 × 28 digit: pixels as bytes 0..255, row-major, and its class.</summary>
internal readonly record struct Digit(byte[] Pixels, byte Label);

/// <summary>
/// Reads the package's <c>src/digits/0.json</c> … <c>9.json</c>: each is <c>{"data": [...]}</c>, a flat array of
/// 784 values per image, the original byte divided by 255 and rounded to three decimals.
/// </summary>
internal static class NpmDigits
{
    public const int Pixels = 28 * 28;

    public static List<Digit> Load(string packageDirectory)
    {
        var digits = new List<Digit>();
        for (int label = 0; label < 10; label++)
        {
            string path = Path.Combine(packageDirectory, "src", "digits", $"{label}.json");
            using var stream = File.OpenRead(path);
            using var json = JsonDocument.Parse(stream);
            var data = json.RootElement.GetProperty("data");
            int length = data.GetArrayLength();
            if (length % Pixels != 0)
            {
                throw new InvalidDataException($"{path}: {length} values is not a whole number of 28 × 28 images.");
            }
            var image = new byte[Pixels];
            int k = 0;
            foreach (var value in data.EnumerateArray())
            {
                image[k] = ToByte(value.GetDouble(), path, digits.Count, k);
                if (++k == Pixels)
                {
                    digits.Add(new Digit(image, (byte)label));
                    image = new byte[Pixels];
                    k = 0;
                }
            }
        }
        return digits;
    }

    /// <summary>Recovers the original byte: steps of 1/255 ≈ 0.0039 are wider than the 0.0005 rounding, so this is exact.</summary>
    static byte ToByte(double value, string path, int image, int pixel)
    {
        double scaled = Math.Round(value * 255);
        if (scaled is < 0 or > 255 || Math.Abs(scaled / 255 - value) > 0.0005 + 1e-9)
        {
            throw new InvalidDataException($"{path}: image {image}, pixel {pixel}: {value} is not a byte/255 rounded to three decimals.");
        }
        return (byte)scaled;
    }
}
