using SymbolicGrad.Samples.Digits;

return DigitsApp.Run(args, Console.Out, Console.Error);
