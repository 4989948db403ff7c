using SymbolicGrad;
using SymbolicGrad.Samples.Xor;

Console.WriteLine("XorNet 2-4-1 (tanh, sigmoid, binary cross-entropy), momentum SGD lr 0.5 β 0.9, full batch");
var (net, _) = XorTraining.Train(seed: 0, epochs: 500, Console.Out);

Console.WriteLine();
Console.WriteLine("x0  x1  target  prediction");
for (int i = 0; i < 4; i++)
{
    var x = new Vec(XorTraining.Inputs, 2 * i, 2);
    Console.WriteLine(FormattableString.Invariant(
        $"{x[0],2:0}  {x[1],2:0}  {XorTraining.Targets[i],6:0}  {net.Predict(x),10:F4}"));
}
