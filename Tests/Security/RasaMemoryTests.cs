using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Switchboard.Tests.Security;

/// <summary>
/// Issue 10's memory test, Rasa half: a gateway process (embedded silo, the example's trained model) under the
/// heavy hostile cases — the largest allowed messages, bodies far over the bounds (declared and chunked), YAML depth
/// and alias bombs, deep JSON and zip-bomb model files — keeps its peak resident memory (VmHWM) under
/// <see cref="PeakBound"/>. Before the bounds, one 5 MB webhook message alone took the process to 3.2 GB.
/// </summary>
public sealed class RasaMemoryTests(ITestOutputHelper output)
{
    /// <summary>The documented bound (docs/security.md): hundreds of MB, where the unbounded product reached gigabytes.</summary>
    public const long PeakBound = 700L * 1024 * 1024;

    [Fact]
    public async Task HeavyHostileCasesStayUnderTheRssBound()
    {
        await using var server = await RasaHostileServer.StartAsync();
        var url = server.BaseUrl;
        var admin = RasaHostileServer.Admin;
        var settled = server.Memory("VmRSS");

        var largestMessage = JsonSerializer.Serialize(new { sender = "", message = string.Join(' ', Enumerable.Repeat("book a table in Berlin", 434)) });
        var overWebhook = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { sender = "x", message = new string('a', 5_000_000) }));
        var overTraining = new byte[40_000_000];
        var depthBomb = RasaYamlBombTests.Nested(100_000);
        var aliasBomb = RasaYamlBombTests.AliasBomb(9);
        var deepJson = new string('[', 100_000) + new string(']', 100_000);
        var bombs = new[] { "bomb entry", "bomb inside the intents archive" }.Select(name =>
        {
            var path = Path.Combine(server.ModelsDir, name.Replace(' ', '-') + ".zip");
            File.Move(RasaHostileModels.Hostile(RasaHostileModels.Damages[name]), path);
            return new JsonObject { ["model_file"] = path }.ToJsonString();
        }).ToArray();

        var cases = new List<(string Name, int Count, Func<int, Task<(int Status, string Body)>> Send, int Expected)>
        {
            ("largest allowed webhook messages", 200, i => RasaRawHttp.Send(url, "POST", "/webhooks/rest/webhook", null, largestMessage.Replace("\"sender\":\"\"", $"\"sender\":\"m{i}\"", StringComparison.Ordinal)), 200),
            ("5 MB webhook bodies, chunked", 20, _ => RasaRawHttp.Send(url, "POST", "/webhooks/rest/webhook", null, overWebhook, chunked: true), 413),
            ("5 MB webhook bodies, declared", 20, _ => RasaRawHttp.Send(url, "POST", "/webhooks/rest/webhook", null, overWebhook), 413),
            ("40 MB training bodies, chunked", 4, _ => RasaRawHttp.Send(url, "POST", "/model/train", admin, overTraining, "application/yaml", chunked: true), 413),
            ("YAML depth bombs", 10, i => RasaRawHttp.Send(url, "POST", i % 2 == 0 ? "/model/train" : "/model/test/intents", admin, depthBomb, "application/yaml"), 400),
            ("YAML alias bombs", 10, i => RasaRawHttp.Send(url, "POST", i % 2 == 0 ? "/model/train" : "/model/test/intents", admin, aliasBomb, "application/yaml"), 400),
            ("deep JSON", 10, _ => RasaRawHttp.Send(url, "POST", "/conversations/deep/tracker/events", admin, deepJson), 400),
            ("zip-bomb model files", 6, i => RasaRawHttp.Send(url, "PUT", "/model", admin, bombs[i % bombs.Length]), 400),
        };

        foreach (var (name, count, send, expected) in cases)
        {
            var statuses = await Parallel(count, send);
            Assert.True(statuses.All(s => s == expected), $"{name}: expected {expected}, got {string.Join(",", statuses.Distinct())}");
            await server.AssertStillAnswers(name);
            output.WriteLine($"{name} x{count}: RSS {Mb(server.Memory("VmRSS"))} MB, peak {Mb(server.Memory("VmHWM"))} MB");
        }

        var peak = server.Memory("VmHWM");
        output.WriteLine($"settled after start-up {Mb(settled)} MB; peak over the whole run {Mb(peak)} MB; bound {Mb(PeakBound)} MB");
        Assert.True(peak < PeakBound, $"peak RSS {Mb(peak)} MB is over the bound of {Mb(PeakBound)} MB");
    }

    /// <summary>Sends <paramref name="count"/> requests, eight at a time.</summary>
    private static async Task<int[]> Parallel(int count, Func<int, Task<(int Status, string Body)>> send)
    {
        var statuses = new int[count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                statuses[i] = (await send(i)).Status;
            }
            finally
            {
                gate.Release();
            }
        }));
        return statuses;
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
