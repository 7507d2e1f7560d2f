using System.Diagnostics;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The official <c>centrifuge</c> npm SDK 5.x (Tests/js) against a real gateway, unmodified; and the script runner of the SDK tests.</summary>
public sealed class CentrifugeJsClientTests
{
    /// <summary>The scenario of <see cref="Sdk.SdkScenarioTests"/> against the embedded default (one process, no Redis).</summary>
    [Fact]
    public async Task TheOfficialClientRunsTheScenarioAgainstTheEmbeddedGateway()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.DefaultConfig.Replace("\"join_leave\": true", "\"join_leave\": true, \"publish\": true", StringComparison.Ordinal));
        var user = "js-" + Guid.NewGuid().ToString("N")[..6];
        var channel = "chat:js-" + Guid.NewGuid().ToString("N")[..6];
        var steps = await RunScript("sdk-scenario.mjs", new Dictionary<string, string>
        {
            ["WS_URL"] = gateway.WebSocketUrl.ToString(),
            ["API_URL"] = gateway.BaseUrl,
            ["SECRET"] = GatewayHost.Secret,
            ["USER"] = user,
            ["CHANNEL"] = channel,
            ["PRIVATE_CHANNEL"] = "$" + channel,
        });

        Assert.True(Guid.TryParse(steps["connected"].GetProperty("client").GetString(), out _));
        Assert.True(steps["subscribed"].GetProperty("recoverable").GetBoolean());
        Assert.Equal(1, steps["publication"].GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal([user], steps["presence"].GetProperty("users").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(1, Assert.Single(steps["history"].GetProperty("data").EnumerateArray()).GetProperty("n").GetInt32());
        Assert.True(steps["private"].GetProperty("data").GetProperty("secret").GetBoolean());
        Assert.Equal(user, steps["client-publish"].GetProperty("data").GetProperty("user").GetString());
        Assert.Equal([2, 3], steps["recovered"].GetProperty("data").EnumerateArray().Select(d => d.GetProperty("n").GetInt32()));
        Assert.Equal(3503, steps["disconnected"].GetProperty("code").GetInt32());
        Assert.Equal("disconnected", steps["disconnected"].GetProperty("state").GetString());
    }

    /// <summary>Runs a script of Tests/js with node and returns its reported steps by name.</summary>
    internal static async Task<Dictionary<string, JsonElement>> RunScript(string script, IDictionary<string, string> env)
    {
        await using var node = StartScript(script, env);
        return await StepsOf(node);
    }

    /// <summary>Starts a script of Tests/js with node, for tests that act while it runs.</summary>
    internal static NodeProcess StartScript(string script, IDictionary<string, string> env)
    {
        var dir = Path.Combine(Repo.Root, "Tests", "js");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "centrifuge")), "run `npm ci` in Tests/js (./test.sh does)");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        return NodeProcess.Start(info, "node " + script);
    }

    /// <summary>Waits for the script to end and returns its reported steps by name.</summary>
    internal static async Task<Dictionary<string, JsonElement>> StepsOf(NodeProcess node)
    {
        // Not a HasExited poll: the last lines may still be in the output pipe when the process is gone.
        await node.WaitForExitAsync(TimeSpan.FromSeconds(120));
        var steps = new Dictionary<string, JsonElement>();
        foreach (var line in node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')))
        {
            var step = JsonDocument.Parse(line).RootElement.Clone();
            steps[step.GetProperty("step").GetString()!] = step;
        }

        Assert.False(steps.ContainsKey("failed"), "script failed:\n" + node.Output);
        return steps;
    }
}
