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
/// intra-op threads: N (default every core, its own default), inter-op 1. With <c>--model cnn</c> the Digits sample's
/// LeNet-style net instead (<c>DigitCnn</c>, or <c>DigitCnnBatchNorm</c> with <c>--batchnorm</c>; <c>--dropout P</c>):
/// conv 5×5 1→16 padding 2, max pool 2, ReLU, conv 5×5 16→32, max pool 2, ReLU, dense 800→128, ReLU, dropout, 128→10,
/// batch norm after each convolution and the hidden layer (no bias there), in training mode while training.
/// <c>--seed N</c> seeds libtorch (initial weights, permutations; default 0), to compare test accuracy over seeds: the
/// two programs draw different initial weights and orders, so one seed each says little.
/// </summary>
internal static class TorchSharpDigits
{
    private const int Hidden = 128;
    private const int Epochs = 10;
    private const int BatchSize = 64;
    private const double LearningRate = 0.05;
    private const double Momentum = 0.9;

    public static int Run(string directory, int threads, bool cnn = false, bool batchNorm = false, double dropout = 0, int seed = 0)
    {
        long start = Stopwatch.GetTimestamp();
        TorchThreads.Use(threads);
        manual_seed(seed);
        var train = Idx.ReadDataset(Locate(directory, "train-images-idx3-ubyte"), Locate(directory, "train-labels-idx1-ubyte"));
        var test = Idx.ReadDataset(Locate(directory, "t10k-images-idx3-ubyte"), Locate(directory, "t10k-labels-idx1-ubyte"));
        using var xTrain = tensor(train.Features, [train.Count, train.FeatureCount]);
        using var yTrain = tensor(train.Labels!.Select(l => (long)l).ToArray(), [train.Count]);
        using var xTest = tensor(test.Features, [test.Count, test.FeatureCount]);
        using var yTest = tensor(test.Labels!.Select(l => (long)l).ToArray(), [test.Count]);

        var model = cnn ? Cnn(batchNorm, dropout, train.ClassCount) : nn.Sequential(
            ("linear1", nn.Linear(train.FeatureCount, Hidden)),
            ("relu1", nn.ReLU()),
            ("linear2", nn.Linear(Hidden, train.ClassCount)));
        model.train();
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
                var loss = nn.functional.cross_entropy(model.forward(Input(xTrain.index_select(0, rows), cnn)), yTrain.index_select(0, rows));
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * rows.shape[0];
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: train loss {lossSum / train.Count:F4}"));
        }

        double trainSeconds = Stopwatch.GetElapsedTime(trainStart).TotalSeconds;
        model.eval();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var logits = model.forward(Input(xTest, cnn));
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

    // The CNN reads each row as a 1×28×28 image.
    private static Tensor Input(Tensor rows, bool cnn) => cnn ? rows.view(-1, 1, 28, 28) : rows;

    private static nn.Module<Tensor, Tensor> Cnn(bool batchNorm, double dropout, int classes)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("conv1", nn.Conv2d(1, 16, 5, padding: 2)) };
        if (batchNorm) layers.Add(("bn1", nn.BatchNorm2d(16)));
        layers.Add(("pool1", nn.MaxPool2d(2)));
        layers.Add(("relu1", nn.ReLU()));
        layers.Add(("conv2", nn.Conv2d(16, 32, 5)));
        if (batchNorm) layers.Add(("bn2", nn.BatchNorm2d(32)));
        layers.Add(("pool2", nn.MaxPool2d(2)));
        layers.Add(("relu2", nn.ReLU()));
        layers.Add(("flatten", nn.Flatten()));
        layers.Add(("linear1", nn.Linear(32 * 5 * 5, Hidden, hasBias: !batchNorm)));
        if (batchNorm) layers.Add(("bn3", nn.BatchNorm1d(Hidden)));
        layers.Add(("relu3", nn.ReLU()));
        if (dropout > 0) layers.Add(("dropout", nn.Dropout(dropout)));
        layers.Add(("linear2", nn.Linear(Hidden, classes)));
        return nn.Sequential(layers);
    }

    private static string Locate(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        return File.Exists(raw) ? raw : raw + ".gz";
    }
}
