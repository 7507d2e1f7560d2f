using System.Globalization;
using Switchboard.Security;
using Xunit.Abstractions;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// The fuzzing pass over the public surfaces (<c>/api/</c> bodies, client protocol messages, REST webhook bodies, YAML
/// training data) against one gateway process serving both halves.
/// In the suite it is short and fixed (seed and input count); <c>scripts/fuzz.sh --minutes N</c> runs it for N minutes
/// with a new seed. Inputs the server fails on are saved under Regressions/ and replayed by every run.
/// </summary>
public sealed class FuzzTests(FuzzTests.Target target, ITestOutputHelper output) : IClassFixture<FuzzTests.Target>
{
    public const string Secret = "fuzz-secret";

    public const string RasaToken = "fuzz-token";

    public sealed class Target : IAsyncLifetime
    {
        private readonly string modelsDir = Directory.CreateTempSubdirectory("switchboard-fuzz-models-").FullName;

        public HostileGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var model = Path.Combine(modelsDir, Path.GetFileName(Switchboard.Tests.Bot.ExampleProject.ModelPath));
            File.Copy(Switchboard.Tests.Bot.ExampleProject.ModelPath, model);
            Gateway = await HostileGateway.StartAsync(
            """
            {
              "secret": "fuzz-secret", "presence": true, "join_leave": true,
              "namespaces": [
                { "name": "chat", "history_size": 10, "history_lifetime": 60, "history_recover": true, "presence": true },
                { "name": "public", "publish": true, "anonymous": true }
              ]
            }
            """,
            "--enable-api", "--auth-token", RasaToken, "--models-dir", modelsDir, "-m", model);
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            Directory.Delete(modelsDir, recursive: true);
        }
    }

    /// <summary>Every fuzzed surface.</summary>
    public static IReadOnlyList<FuzzSurface> Surfaces { get; } =
    [
        new("api", new ApiBodyGrammar(), 600, gateway => new ApiTarget(gateway, Secret)),
        new("frame", new ClientFrameGrammar(Tokens), 200, gateway => new WebSocketTarget(gateway, Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = "fuzzer" }))),
        new("webhook", new WebhookBodyGrammar(), 200, gateway => new RasaRouteTarget(gateway, "/webhooks/rest/webhook", "application/json")),
        new("training", new TrainingYamlGrammar(), 40, gateway => new RasaRouteTarget(gateway, $"/model/train?token={RasaToken}&save_to_default_model_directory=true", "application/x-yaml")),
    ];

    [Fact]
    public async Task GeneratedInputsNeverFailTheServer()
    {
        var minutes = Environment.GetEnvironmentVariable("SWITCHBOARD_FUZZ_MINUTES") is { Length: > 0 } m ? double.Parse(m, CultureInfo.InvariantCulture) : 0;
        var seed = Environment.GetEnvironmentVariable("SWITCHBOARD_FUZZ_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture)
            : minutes > 0 ? Random.Shared.Next() : 20261130;
        var fuzzer = new Fuzzer(target.Gateway, Fuzzer.RegressionDirectory);
        var findings = new List<Fuzzer.Finding>();
        foreach (var surface in Surfaces)
        {
            // By hand: the minutes shared among the surfaces. In the suite: a fixed number of inputs.
            DateTime? until = minutes > 0 ? DateTime.UtcNow.AddMinutes(minutes / Surfaces.Count) : null;
            var (inputs, found) = await fuzzer.Run(surface, seed, surface.SuiteInputs, until);
            output.WriteLine($"{surface.Name}: {inputs} inputs with seed {seed}, {found.Count} failures");
            findings.AddRange(found);
            if (target.Gateway.Process.HasExited)
            {
                break;
            }
        }

        Assert.True(findings.Count == 0, $"seed {seed}: the server failed on {findings.Count} inputs, saved as regressions:\n"
            + string.Join('\n', findings.Take(20).Select(f => $"{f.File}: {f.Failure}")) + "\n" + target.Gateway.Tail());
    }

    public static TheoryData<string> RegressionFiles()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Fuzzer.RegressionDirectory, "*.bin").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(file));
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(RegressionFiles))]
    public async Task SavedRegressionsStayFixed(string file)
    {
        var surface = Surfaces.Single(s => file.StartsWith(s.Name + "-", StringComparison.Ordinal));
        var failure = await surface.Target(target.Gateway).Try(await File.ReadAllBytesAsync(Path.Combine(Fuzzer.RegressionDirectory, file)));
        Assert.Null(failure);
        await target.Gateway.AssertStillAnswers(file);
    }

    /// <summary>Tokens a fuzzed command may carry: valid ones of this and other users, expired, foreign and garbage.</summary>
    private static string Tokens(Random random) => random.Next(6) switch
    {
        0 => Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = "fuzzer" }),
        1 => Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = "fuzzer", ["channel"] = "$chat:x" }),
        2 => Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = "other", ["exp"] = 1 }),
        3 => Hs256Jwt.Create("wrong", new Dictionary<string, object> { ["sub"] = "fuzzer" }),
        4 => "a.b.c",
        _ => "",
    };
}
