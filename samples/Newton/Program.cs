using SymbolicGrad.Samples.Newton;

var (newton, descent) = NewtonApp.Run(Console.Out);
return newton.Converged && descent.Converged ? 0 : 1;
