using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--digits DIR [--threads N]</c>: the Digits sample's recipe written the usual TorchSharp way, to race the sample
/// as whole processes: the four MNIST IDX files of DIR (pixels / 255), a 784-128-10 ReLU MLP (<c>Linear</c> layers),
/// mean softmax cross-entropy, <c>optim.SGD(lr 0.05, momentum 0.9)</c>, batches of 64 drawn from a new random
/// permutation every epoch, 10 epochs, then the test accuracy, printed last as the sample prints it. libtorch's
/// intra-op threads: N (default every core, its own default), inter-op 1.
/// </summary>
internal static class TorchSharpDigits
{
    private const int Hidden = 128;
    private const int Epochs = 10;
    private const int BatchSize = 64;
    private const double LearningRate = 0.05;
    private const double Momentum = 0.9;

    public static int Run(string directory, int threads)
    {
        long start = Stopwatch.GetTimestamp();
        TorchThreads.Use(threads);
        manual_seed(0);
        var train = Idx.ReadDataset(Locate(directory, "train-images-idx3-ubyte"), Locate(directory, "train-labels-idx1-ubyte"));
        var test = Idx.ReadDataset(Locate(directory, "t10k-images-idx3-ubyte"), Locate(directory, "t10k-labels-idx1-ubyte"));
        using var xTrain = tensor(train.Features, [train.Count, train.FeatureCount]);
        using var yTrain = tensor(train.Labels!.Select(l => (long)l).ToArray(), [train.Count]);
        using var xTest = tensor(test.Features, [test.Count, test.FeatureCount]);
        using var yTest = tensor(test.Labels!.Select(l => (long)l).ToArray(), [test.Count]);

        var model = nn.Sequential(
            ("linear1", nn.Linear(train.FeatureCount, Hidden)),
            ("relu1", nn.ReLU()),
            ("linear2", nn.Linear(Hidden, train.ClassCount)));
        var optimizer = optim.SGD(model.parameters(), LearningRate, momentum: Momentum);
        Console.WriteLine($"data: MNIST files in {directory}, {train.Count:N0} training and {test.Count:N0} test images; TorchSharp, libtorch intra-op threads {get_num_threads()}");

        long trainStart = Stopwatch.GetTimestamp();
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            using var scope = NewDisposeScope();
            var order = randperm(train.Count);
            double lossSum = 0;
            for (int first = 0; first < train.Count; first += BatchSize)
            {
                using var batchScope = NewDisposeScope();
                var rows = order.narrow(0, first, Math.Min(BatchSize, train.Count - first));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(xTrain.index_select(0, rows)), yTrain.index_select(0, rows));
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * rows.shape[0];
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: train loss {lossSum / train.Count:F4}"));
        }

        double trainSeconds = Stopwatch.GetElapsedTime(trainStart).TotalSeconds;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var logits = model.forward(xTest);
            float loss = nn.functional.cross_entropy(logits, yTest).item<float>();
            double accuracy = logits.argmax(1).eq(yTest).sum().item<long>() / (double)test.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training time: {trainSeconds:F2} s ({(double)Epochs * train.Count / trainSeconds:N0} samples/s); whole run so far {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test loss: {loss:F4}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {100 * accuracy:F2}%"));
        }

        optimizer.Dispose();
        model.Dispose();
        return 0;
    }

    private static string Locate(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        return File.Exists(raw) ? raw : raw + ".gz";
    }
}
