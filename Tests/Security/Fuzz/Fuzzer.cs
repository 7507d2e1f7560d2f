using System.Globalization;
using System.Security.Cryptography;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// Feeds a surface inputs from its grammar (half of them damaged by <see cref="Mutations"/>) and saves every input the
/// server failed on as a regression file, <c>&lt;surface&gt;-&lt;hash&gt;.bin</c>, which the suite replays from then on.
/// </summary>
public sealed class Fuzzer(HostileGateway gateway, string regressions)
{
    /// <summary>Where crashing inputs go: in the source tree, to be committed with the fix.</summary>
    public static string RegressionDirectory => Path.Combine(Infrastructure.Repo.Root, "Tests", "Security", "Fuzz", "Regressions");

    public sealed record Finding(string File, string Failure);

    /// <summary>Runs <paramref name="inputs"/> inputs, or until <paramref name="until"/> when that is set.</summary>
    public async Task<(int Inputs, List<Finding> Findings)> Run(FuzzSurface surface, int seed, int inputs, DateTime? until = null)
    {
        var random = new Random(seed);
        var target = surface.Target(gateway);
        var findings = new List<Finding>();
        var count = 0;
        while (until is { } end ? DateTime.UtcNow < end : count < inputs)
        {
            var input = surface.Grammar.Generate(random);
            if (random.Next(2) == 0)
            {
                input = Mutations.Mutate(input, random);
            }

            count++;
            if (await target.Try(input) is { } failure)
            {
                findings.Add(new Finding(Save(surface.Name, input), failure));
                if (gateway.Process.HasExited)
                {
                    break;
                }
            }
        }

        return (count, findings);
    }

    private string Save(string surface, byte[] input)
    {
        Directory.CreateDirectory(regressions);
        var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..12];
        var file = Path.Combine(regressions, string.Create(CultureInfo.InvariantCulture, $"{surface}-{hash}.bin"));
        File.WriteAllBytes(file, input);
        return file;
    }
}
