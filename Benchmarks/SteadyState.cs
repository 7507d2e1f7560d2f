namespace Switchboard.Benchmarks;

/// <summary>
/// Warm-up until a target's rate stops rising. Tiered JIT and dynamic PGO take 10-20 s of load to reach steady
/// code here, so a fixed short warm-up measured start-up rather than the server (and favoured the simpler
/// baseline, which gets there sooner).
/// </summary>
public static class SteadyState
{
    public static readonly TimeSpan Round = TimeSpan.FromSeconds(3);

    private const int MinRounds = 4;

    private const int MaxRounds = 15;

    /// <param name="round">Runs one round of load and returns its rate.</param>
    public static async Task WarmUp(Func<Task<double>> round)
    {
        var best = 0.0;
        for (var i = 0; i < MaxRounds; i++)
        {
            var rate = await round();
            // A dip (an activation storm, a GC) must not end it before the JIT had its chance.
            if (i >= MinRounds && rate < best * 1.03)
            {
                return;
            }

            best = Math.Max(best, rate);
        }
    }
}
