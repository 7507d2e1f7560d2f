using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// Every command README.md shows, run from the repository root exactly as written (real processes, the same text a
/// user pastes), each scenario in a network namespace of its own so the README's fixed ports (8000, 6379, 11111...)
/// meet nothing else on the machine. A server command is started, probed with the README's own requests where it
/// gives them, and stopped. The first scenario builds what <c>dotnet run</c> builds (Debug), so it takes minutes.
/// </summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed partial class ReadmeCommandsTests
{
    /// <summary>The first <c>dotnet run</c> compiles the solution in Debug on a busy shared box.</summary>
    private static readonly TimeSpan FirstStart = TimeSpan.FromMinutes(15);

    /// <summary>README commands that are not run here, and why.</summary>
    private static readonly Dictionary<string, string> NotRunHere = new(StringComparer.Ordinal)
    {
        ["./test.sh"] = "it runs this test suite",
        ["scripts/faults.sh"] = "opt-in fault runs of minutes; FaultTests run its small version",
        ["scripts/benchmark.sh"] = "benchmarks run for many minutes on purpose; they are run by hand",
    };

    private static readonly Lazy<List<string>> Commands = new(() => ReadCommands(File.ReadAllText(Path.Combine(Repo.Root, "README.md"))));

    [Fact]
    public void Every_command_of_the_readme_is_run_by_a_scenario_here_or_listed_with_a_reason()
    {
        // The scenarios name README lines by their text, through the Readme helper: collect those names from this source.
        var source = File.ReadAllText(Path.Combine(Repo.Root, "Tests", "Operations", "ReadmeCommandsTests.cs"));
        var named = ReadmeCall().Matches(source).Select(m => m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(named);
        foreach (var command in Commands.Value)
        {
            var reason = NotRunHere.FirstOrDefault(n => command.StartsWith(n.Key, StringComparison.Ordinal)).Value;
            Assert.True(reason is not null || named.Any(n => Matches(command, n)), $"README command not run by any scenario: {command}");
        }

        foreach (var name in named)
        {
            _ = Readme(name);
        }
    }

    [Fact]
    public async Task The_server_runs_on_its_embedded_defaults()
    {
        await using var network = await IsolatedNetwork.CreateAsync();
        var server = network.Start(Readme("dotnet run --project ApiGateway"), "gateway");
        await Listening(network, server, "http://localhost:8000/", FirstStart);
        // The banner gives the generated secret and a signed publish ready to paste.
        await server.WaitForOutput("X-API-Sign", TimeSpan.FromMinutes(1));
        // dotnet run starts the gateway (its apphost) with its launch profile's environment: the GC's generation-0 budget.
        var gateway = ProcessTree.Descendants(server.Pid).Single(pid => ProcessTree.CommandLine(pid).Split(' ')[0].EndsWith("/ApiGateway", StringComparison.Ordinal));
        Assert.Equal("0x1000000", ProcessTree.Environment(gateway).GetValueOrDefault("DOTNET_GCgen0size"));
    }

    [Fact]
    public async Task A_backend_publishes_with_its_own_secret()
    {
        await using var network = await IsolatedNetwork.CreateAsync();
        var server = network.Start(Readme("dotnet run --project ApiGateway -- --secret s3cret --api_key k3y --presence --join_leave --history_size 100 --history_lifetime 600 --history_recover"), "gateway");
        await Listening(network, server, "http://localhost:8000/", FirstStart);

        // Today's API first: its reply names the publication's offset in the channel's history, the first one.
        var (keyedCode, keyedOutput) = await network.Run(Readme("curl -s -X POST http://localhost:8000/api/publish"), TimeSpan.FromMinutes(1));
        Assert.Equal(0, keyedCode);
        Assert.Equal(Readme("# {\"result\"")[2..], keyedOutput.Trim());

        var publish = string.Join("\n", Readme("body='{\"method\":\"publish\""), Readme("sign=$(printf"), Readme("curl -s -X POST http://localhost:8000/api/ -H \"X-API-Sign"));
        var (code, output) = await network.Run(publish, TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Equal(Readme("# {\"body\":null")[2..], output.Trim());
    }

    [Fact]
    public async Task The_example_bot_answers_over_the_rasa_api()
    {
        await using var network = await IsolatedNetwork.CreateAsync();
        var server = network.Start(Readme("dotnet run --project ApiGateway -- --enable-api --auth-token tok -m examples/restaurant/domain.yml"), "gateway");
        await Listening(network, server, "http://localhost:8000/", FirstStart);
        await Eventually.Until(async () => (await network.Run("curl -s 'localhost:8000/status?token=tok'", TimeSpan.FromMinutes(1))).Output.Contains("domain.yml", StringComparison.Ordinal));

        var (_, reply) = await network.Run(Readme("curl -s -X POST localhost:8000/webhooks/rest/webhook"), TimeSpan.FromMinutes(1));
        Assert.Contains("\"recipient_id\":\"u1\"", reply, StringComparison.Ordinal);
        Assert.Contains("\"text\":", reply, StringComparison.Ordinal);
        var (_, tracker) = await network.Run(Readme("curl -s 'localhost:8000/conversations/u1/tracker?token=tok'"), TimeSpan.FromMinutes(1));
        Assert.Contains("\"text\":\"/greet\"", tracker, StringComparison.Ordinal);
        Assert.DoesNotContain("No model found", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_bot_is_trained_from_files_and_chatted_with_in_a_browser()
    {
        var models = Path.Combine(Repo.Root, "models");
        var existed = Directory.Exists(models);
        var before = existed ? Directory.GetFiles(models).ToHashSet() : [];
        try
        {
            await using var network = await IsolatedNetwork.CreateAsync();
            var (code, output) = await network.Run(Readme("dotnet run --project ApiGateway -- train --data examples/restaurant/data"), FirstStart);
            Assert.True(code == 0, output);
            Assert.True(output.Contains("Your Switchboard model is trained and saved at", StringComparison.Ordinal) || output.Contains("Nothing changed since", StringComparison.Ordinal), output);
            Assert.NotEmpty(Directory.GetFiles(models, "*.zip"));

            var server = network.Start(Readme("dotnet run --project ApiGateway -- --chat -m models/"), "gateway");
            await Listening(network, server, "http://localhost:8000/chat/", FirstStart);
            var (_, page) = await network.Run("curl -s http://localhost:8000/chat/", TimeSpan.FromMinutes(1));
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
            var (_, bundle) = await network.Run("curl -s -o /dev/null -w '%{http_code} %{size_download}' http://localhost:8000/chat/centrifuge.js", TimeSpan.FromMinutes(1));
            Assert.StartsWith("200 ", bundle, StringComparison.Ordinal);
            var (_, token) = await network.Run("curl -s -X POST http://localhost:8000/chat/token", TimeSpan.FromMinutes(1));
            Assert.Contains("\"conversation_id\":\"chat-", token, StringComparison.Ordinal);
        }
        finally
        {
            // Leave the user's models/ as it was.
            if (!existed)
            {
                Directory.Delete(models, recursive: true);
            }
            else
            {
                foreach (var file in Directory.GetFiles(models).Where(f => !before.Contains(f)))
                {
                    File.Delete(file);
                }
            }
        }
    }

    [Fact]
    public async Task A_cluster_of_redis_two_silos_and_two_gateways_runs_as_written()
    {
        // redis-server saves dump.rdb where it was started (the repository root) when it stops: leave none behind.
        var dump = Path.Combine(Repo.Root, "dump.rdb");
        var hadDump = File.Exists(dump);
        try
        {
            await RunCluster();
        }
        finally
        {
            if (!hadDump)
            {
                File.Delete(dump);
            }
        }
    }

    private static async Task RunCluster()
    {
        await using var network = await IsolatedNetwork.CreateAsync();
        network.Start(Readme("redis-server --port 6379 &"), "redis");
        await Eventually.Until(async () => (await network.Run("redis-cli -p 6379 ping", TimeSpan.FromMinutes(1))).Output.Contains("PONG", StringComparison.Ordinal));

        var silo1 = network.Start(Readme("dotnet run --project Silo -- --redis 127.0.0.1:6379 --silo-port 11111 --gateway-port 30000"), "silo1");
        await silo1.WaitForOutput("Silo started", FirstStart);
        var silo2 = network.Start(Readme("dotnet run --project Silo -- --redis 127.0.0.1:6379 --silo-port 11112 --gateway-port 30001"), "silo2");
        await silo2.WaitForOutput("Silo started", FirstStart);
        var gateway1 = network.Start(Readme("dotnet run --project ApiGateway -- --redis 127.0.0.1:6379 --port 8000 --secret s3cret --api_key k3y"), "gateway1");
        await Listening(network, gateway1, "http://localhost:8000/", FirstStart);
        var gateway2 = network.Start(Readme("dotnet run --project ApiGateway -- --redis 127.0.0.1:6379 --port 8001 --secret s3cret --api_key k3y"), "gateway2");
        await Listening(network, gateway2, "http://localhost:8001/", FirstStart);

        // Both gateways publish through the silos, signed with the cluster's secret as the README shows.
        foreach (var port in new[] { 8000, 8001 })
        {
            var publish = string.Join("\n", Readme("body='{\"method\":\"publish\""), Readme("sign=$(printf"), Readme("curl -s -X POST http://localhost:8000/api/ -H \"X-API-Sign").Replace(":8000/", $":{port}/", StringComparison.Ordinal));
            var (_, output) = await network.Run(publish, TimeSpan.FromMinutes(1));
            Assert.Equal("{\"body\":null,\"error\":null,\"method\":\"publish\"}", output.Trim());
        }
    }

    /// <summary>The README line equal to <paramref name="text"/>, else the only one starting with it, exactly as written.</summary>
    private static string Readme(string text)
    {
        var exact = Commands.Value.Where(c => c == text).ToList();
        var matches = exact.Count > 0 ? exact : Commands.Value.Where(c => c.StartsWith(text, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? matches[0] : throw new InvalidOperationException($"README.md shows {matches.Count} commands starting with: {text}");
    }

    private static bool Matches(string command, string text) =>
        command == text || (command.StartsWith(text, StringComparison.Ordinal) && Commands.Value.Count(c => c.StartsWith(text, StringComparison.Ordinal)) == 1);

    private static async Task Listening(IsolatedNetwork network, NodeProcess server, string url, TimeSpan timeout)
    {
        try
        {
            await Eventually.Until(
                async () => !server.HasExited && (await network.Run($"curl -s -o /dev/null -w '%{{http_code}}' {url}", TimeSpan.FromMinutes(1))).Output.Trim() == "200",
                timeout: timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{server.Name} did not answer {url}:\n{server.Output}");
        }
    }

    /// <summary>The shell lines of README.md's indented code blocks (fenced blocks hold code of other languages).</summary>
    private static List<string> ReadCommands(string readme)
    {
        var commands = new List<string>();
        var fenced = false;
        var previousBlank = true;
        var inBlock = false;
        foreach (var line in readme.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            inBlock = !fenced && line.StartsWith("    ", StringComparison.Ordinal) && (inBlock || previousBlank);
            if (inBlock && line.Trim().Length > 0)
            {
                commands.Add(line.Trim());
            }

            previousBlank = line.Trim().Length == 0;
        }

        return commands;
    }

    [GeneratedRegex(@"Readme\(""((?:[^""\\]|\\.)*)""\)")]
    private static partial Regex ReadmeCall();
}
