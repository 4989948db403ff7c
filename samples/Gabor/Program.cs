using System.Globalization;
using SymbolicGrad.Samples.Gabor;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

FitOptions options;
try
{
    options = FitOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var (trueA, trueB) = options.TruePhi;
var (startA, startB) = options.InitialPhi;
SyntheticData data = SyntheticData.Generate(options.Points, trueA, trueB, options.Noise, options.Seed);

Console.WriteLine("Gabor model f(x) = sin(phi0 + 0.06*phi1*x) * exp(-(phi0 + 0.06*phi1*x)^2 / 32)");
Console.WriteLine($"{options.Points} points, x in [{SyntheticData.XMin}, {SyntheticData.XMax}], noise sd {options.Noise}, seed {options.Seed}");
Console.WriteLine($"minibatch SGD: learning rate {options.LearningRate}, batch {options.BatchSize}, {options.Epochs} epochs, gradient from the generated GaborModel.PredictGradient");
Console.WriteLine($"start  phi0 = {startA,9:F4}  phi1 = {startB,9:F4}  loss = {data.MeanSquaredError(startA, startB):F6}");
Console.WriteLine();
Console.WriteLine("epoch        loss       phi0       phi1");

var sgd = new MinibatchSgd(options.LearningRate, options.BatchSize, options.Seed);
var (fitA, fitB) = sgd.Fit(data, startA, startB, options.Epochs,
    (epoch, loss, a, b) => Console.WriteLine($"{epoch,5}  {loss,10:F6}  {a,9:F4}  {b,9:F4}"));

Console.WriteLine();
Console.WriteLine("            phi0       phi1       loss");
Console.WriteLine($"true   {trueA,9:F4}  {trueB,9:F4}  {data.MeanSquaredError(trueA, trueB),9:F6}");
Console.WriteLine($"fitted {fitA,9:F4}  {fitB,9:F4}  {data.MeanSquaredError(fitA, fitB),9:F6}");
return 0;
