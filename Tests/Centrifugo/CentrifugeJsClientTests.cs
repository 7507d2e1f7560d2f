using System.Diagnostics;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The official <c>centrifuge</c> npm SDK 5.x (Tests/js) against a real gateway, unmodified.</summary>
public sealed class CentrifugeJsClientTests
{
    [Fact]
    public async Task TheOfficialClientConnectsReceivesReadsRecoversAndIsDisconnected()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var user = "js-" + Guid.NewGuid().ToString("N")[..6];
        var channel = "chat:js-" + Guid.NewGuid().ToString("N")[..6];
        var steps = await RunScript("centrifuge-client.mjs", new Dictionary<string, string>
        {
            ["WS_URL"] = gateway.WebSocketUrl.ToString(),
            ["API_URL"] = gateway.BaseUrl + "/api/",
            ["SECRET"] = GatewayHost.Secret,
            ["TOKEN"] = GatewayHost.Token(user),
            ["USER"] = user,
            ["CHANNEL"] = channel,
            ["PRIVATE_CHANNEL"] = "$" + channel,
            ["PRIVATE_TOKEN"] = GatewayHost.SubscriptionToken(user, "$" + channel),
        });

        Assert.True(Guid.TryParse(steps["connected"].GetProperty("client").GetString(), out _));
        Assert.True(steps["subscribed"].GetProperty("recoverable").GetBoolean());
        Assert.Equal(1, steps["publication"].GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal([user], steps["presence"].GetProperty("users").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(1, steps["presence-stats"].GetProperty("numClients").GetInt32());
        Assert.Equal(1, steps["presence-stats"].GetProperty("numUsers").GetInt32());
        Assert.Equal(1, Assert.Single(steps["history"].GetProperty("data").EnumerateArray()).GetProperty("n").GetInt32());
        Assert.Equal(1, steps["history"].GetProperty("offset").GetInt64());

        Assert.True(steps["private"].GetProperty("data").GetProperty("secret").GetBoolean());

        var recovered = steps["recovered"];
        Assert.True(recovered.GetProperty("wasRecovering").GetBoolean());
        Assert.True(recovered.GetProperty("recovered").GetBoolean());
        Assert.Equal([2, 3], recovered.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("n").GetInt32()));

        Assert.Equal(3503, steps["disconnected"].GetProperty("code").GetInt32());
        Assert.Equal("disconnected", steps["disconnected"].GetProperty("state").GetString());
    }

    /// <summary>Runs a script of Tests/js with node and returns its reported steps by name.</summary>
    internal static async Task<Dictionary<string, JsonElement>> RunScript(string script, IDictionary<string, string> env)
    {
        var dir = Path.Combine(Repo.Root, "Tests", "js");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "centrifuge")), "run `npm ci` in Tests/js (./test.sh does)");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        await using var node = NodeProcess.Start(info, "node " + script);
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
