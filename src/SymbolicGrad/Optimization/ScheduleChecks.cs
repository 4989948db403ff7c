namespace SymbolicGrad;

/// <summary>Argument checks shared by the schedules.</summary>
internal static class ScheduleChecks
{
    public static void DecayFactor(float gamma, string name)
    {
        if (!(gamma > 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(name, gamma, "The decay factor γ must be in (0, 1].");
        }
    }
}
