// The runtime itself calls its kernels and SIMD helpers, which live in the namespace meant for generated code.
global using SymbolicGrad.CompilerServices;
