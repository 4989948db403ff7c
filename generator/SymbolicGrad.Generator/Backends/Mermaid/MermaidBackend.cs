using SymbolicGrad.Generator.Planning;

namespace SymbolicGrad.Generator.Backends.Mermaid;

/// <summary>
/// The write stage for pictures: a method's forward and backward graph as a Mermaid flowchart, from the plan alone
/// (it decides nothing: what is stored, recomputed or overwritten is the plan's).
/// </summary>
internal static class MermaidBackend
{
    public static string Write(ProgramPlan plan) => MermaidText.Write(PictureBuilder.Draw(plan));
}
