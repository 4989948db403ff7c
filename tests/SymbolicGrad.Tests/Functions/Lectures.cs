namespace SymbolicGrad.Tests.Functions;

/// <summary>The worked examples of the backpropagation lectures.</summary>
public static partial class Lectures
{
    /// <summary>f(x, y, z) = (x + y)·z; at (−2, 5, −4) the gradient is (−4, −4, 3).</summary>
    [Differentiable]
    public static double AddMultiply(double x, double y, double z) => (x + y) * z;

    [Differentiable]
    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    /// <summary>The sigmoid neuron σ(w0·x0 + w1·x1 + w2).</summary>
    [Differentiable]
    public static double Neuron(double w0, double x0, double w1, double x1, double w2) => Sigmoid(w0 * x0 + w1 * x1 + w2);

    /// <summary>The same neuron with the sigmoid written out, as the lectures' circuit.</summary>
    [Differentiable]
    public static double NeuronCircuit(double w0, double x0, double w1, double x1, double w2)
    {
        double dot = w0 * x0 + w1 * x1 + w2;
        return 1.0 / (1.0 + Math.Exp(-dot));
    }

    /// <summary>The Gabor model f = sin(φ0 + 0.06·φ1·x)·exp(−(φ0 + 0.06·φ1·x)²/32).</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double Gabor([NoDiff] double x, double phi0, double phi1)
    {
        double z = phi0 + 0.06 * phi1 * x;
        return Math.Sin(z) * Math.Exp(-(z * z) / 32.0);
    }

    /// <summary>Squared error of the Gabor model on one example.</summary>
    [Differentiable]
    public static double GaborLoss([NoDiff] double x, [NoDiff] double y, double phi0, double phi1)
    {
        double r = Gabor(x, phi0, phi1) - y;
        return r * r;
    }

    /// <summary>The 1-D three-layer net h(x) = w3·σ(w2·σ(w1·x + b1) + b2) + b3.</summary>
    [Differentiable]
    public static double ShallowNet([NoDiff] double x, double w1, double b1, double w2, double b2, double w3, double b3)
    {
        double h1 = Sigmoid(w1 * x + b1);
        double h2 = Sigmoid(w2 * h1 + b2);
        return w3 * h2 + b3;
    }

    /// <summary>L = ½(h(x) − y)² for the 1-D three-layer net.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double ShallowNetLoss([NoDiff] double x, [NoDiff] double y, double w1, double b1, double w2, double b2, double w3, double b3)
    {
        double h = ShallowNet(x, w1, b1, w2, b2, w3, b3);
        double r = h - y;
        return 0.5 * r * r;
    }

    /// <summary>Binary cross-entropy of a probability p against a label y.</summary>
    [Differentiable]
    public static double BinaryCrossEntropy([NoDiff] double y, double p) => -(y * Math.Log(p) + (1.0 - y) * Math.Log(1.0 - p));

    /// <summary>Binary cross-entropy of a logit z: the usual last layer of a binary classifier.</summary>
    [Differentiable(Jvp = true, Hessian = true)]
    public static double LogisticLoss([NoDiff] double y, double z)
    {
        double p = Sigmoid(z);
        return -(y * Math.Log(p) + (1.0 - y) * Math.Log(1.0 - p));
    }

    /// <summary>The staged example f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²).</summary>
    [Differentiable]
    public static double Staged(double x, double y)
    {
        double sigy = 1.0 / (1.0 + Math.Exp(-y));
        double num = x + sigy;
        double sigx = 1.0 / (1.0 + Math.Exp(-x));
        double xpy = x + y;
        double xpysqr = xpy * xpy;
        double den = sigx + xpysqr;
        double invden = 1.0 / den;
        return num * invden;
    }

    /// <summary>A tanh unit with a squared-error loss.</summary>
    [Differentiable]
    public static double TanhUnitLoss([NoDiff] double x, [NoDiff] double y, double w, double b)
    {
        double a = Math.Tanh(w * x + b);
        return (a - y) * (a - y);
    }
}
