namespace SymbolicGrad.Samples.Digits;

/// <summary>The command line is wrong: an unknown option, a missing or malformed value, options that do not fit together.</summary>
public sealed class CommandLineException(string message) : Exception(message);
