using SymbolicGrad.Generator.Pipeline;

namespace SymbolicGrad.Generator.Planning;

/// <summary>A derived method with its plan.</summary>
internal sealed record DerivedPlan(DerivedModel Derived, ProgramPlan Plan);

/// <summary>The plans of one method's derived methods.</summary>
internal sealed record DerivedPlanResult(EquatableArray<DerivedPlan> Plans, EquatableArray<DiagnosticInfo> Diagnostics);
