namespace Switchboard.Tests.Cluster;

/// <summary>
/// A fact that only runs when <c>SWITCHBOARD_FULL_FAULTS=1</c> (set by <c>scripts/faults.sh</c>): the full-size
/// fault scenario takes minutes and the whole machine, so the default test run skips it.
/// </summary>
public sealed class FullFaultFactAttribute : FactAttribute
{
    public const string Variable = "SWITCHBOARD_FULL_FAULTS";

    public FullFaultFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"full-size fault scenario: run scripts/faults.sh ({Variable}=1)";
        }
    }
}
