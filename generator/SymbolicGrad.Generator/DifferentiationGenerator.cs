using Microsoft.CodeAnalysis;

namespace SymbolicGrad.Generator;

/// <summary>Placeholder wiring; replaced by the real pipeline.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiationGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
