using Switchboard.Bot.Training;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot;

/// <summary>The example project under <c>examples/restaurant</c>, read once per test run.</summary>
public static class ExampleProject
{
    private static readonly Lazy<TrainingData> Data = new(() => TrainingDataReader.FromPaths([Path.Combine(Directory, "config.yml"), Path.Combine(Directory, "domain.yml"), Path.Combine(Directory, "data")]));

    public static string Directory => Path.Combine(Repo.Root, "examples", "restaurant");

    public static TrainingData Training => Data.Value;

    /// <summary>A stable pseudo-random order, so splits do not depend on the run.</summary>
    public static uint Hash(string text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }
}
