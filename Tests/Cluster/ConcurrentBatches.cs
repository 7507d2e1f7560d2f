using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Several writers post v1 <c>/api/</c> batches at once over a few channels (one hot: every writer's batches hit it),
/// watched by a WebSocket subscriber of each channel. What batched publishing must keep: each channel's offsets run
/// 1..n as delivered, each writer's publications to a channel are stored and delivered in the order it made them
/// (inside a request and across its requests), history holds exactly what was delivered, and a request is answered
/// only once everything in it is in history. With <c>singles</c> each writer posts the same publishes one command per
/// request, one after the other.
/// </summary>
public sealed class ConcurrentBatches(Func<string, Task<string>> post, Func<string, Task<IReadOnlyList<JsonElement>>> history, bool singles = false)
{
    private const int Writers = 6;
    private const int RequestsPerWriter = 10;
    private const int PublishesPerRequest = 30;

    private readonly ConcurrentQueue<string> failures = new();

    /// <summary>Channels of the <c>chat</c> namespace (history on); the first is the hot one.</summary>
    public IReadOnlyList<string> Channels { get; } = [.. Enumerable.Range(0, 8).Select(i => $"chat:batches-{Guid.NewGuid():N}-{i}")];

    public async Task Run(ProtocolClient subscriber)
    {
        foreach (var channel in Channels)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await subscriber.Subscribe(channel)));
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(Write));
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));

        const int total = Writers * RequestsPerWriter * PublishesPerRequest;
        await Eventually.Until(
            () => Task.FromResult(Publications(subscriber).Count() >= total),
            () => $"{Publications(subscriber).Count()} of {total} publications delivered");
        var delivered = Publications(subscriber).GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Select(p => p.Pub).ToArray());
        Assert.Equal(total, delivered.Values.Sum(d => d.Length));
        foreach (var channel in Channels)
        {
            var pubs = delivered.GetValueOrDefault(channel, []);
            Assert.NotEmpty(pubs);
            Assert.Equal(Enumerable.Range(1, pubs.Length).Select(i => (long)i), pubs.Select(p => p.GetProperty("offset").GetInt64()));
            foreach (var writer in pubs.Select(p => Mark(p.GetProperty("data"))).GroupBy(m => m.Writer))
            {
                Assert.Equal(Enumerable.Range(0, writer.Count()), writer.Select(m => m.N));
            }

            // The v1 history lists the newest first.
            var stored = await history(channel);
            Assert.Equal(pubs.Select(p => Mark(p.GetProperty("data"))), stored.Reverse().Select(Mark));
        }
    }

    private async Task Write(int writer)
    {
        var random = new Random(writer);
        var next = new Dictionary<string, int>();
        for (var request = 0; request < RequestsPerWriter; request++)
        {
            var batch = Enumerable.Range(0, PublishesPerRequest).Select(i =>
            {
                var channel = i % 5 == 0 ? Channels[0] : Channels[random.Next(Channels.Count)];
                var n = next.GetValueOrDefault(channel);
                next[channel] = n + 1;
                return (Channel: channel, N: n);
            }).ToArray();
            var commands = batch.Select(p => new { method = "publish", @params = new { channel = p.Channel, data = new { w = writer, n = p.N } } }).ToArray();
            var results = new List<JsonElement>();
            if (singles)
            {
                foreach (var command in commands)
                {
                    results.Add(JsonDocument.Parse(await post(JsonSerializer.Serialize(command))).RootElement);
                }
            }
            else
            {
                results.AddRange(JsonDocument.Parse(await post(JsonSerializer.Serialize(commands))).RootElement.EnumerateArray());
            }

            if (results.Count != batch.Length || results.Any(r => r.GetProperty("error").ValueKind != JsonValueKind.Null))
            {
                failures.Enqueue($"writer {writer}, request {request}: {string.Join(", ", results)}");
                return;
            }

            // Answered means stored: each channel's last publication of this request is in its history already.
            foreach (var last in batch.GroupBy(p => p.Channel).Select(g => g.Last()))
            {
                if (!(await history(last.Channel)).Select(Mark).Contains((writer, last.N)))
                {
                    failures.Enqueue($"writer {writer}, request {request}: {last} answered but not in history");
                }
            }
        }
    }

    private static IEnumerable<(string Channel, JsonElement Pub)> Publications(ProtocolClient subscriber) =>
        subscriber.Pushes().Where(p => p.TryGetProperty("pub", out _) && p.TryGetProperty("channel", out _))
            .Select(p => (p.GetProperty("channel").GetString()!, p.GetProperty("pub")));

    private static (int Writer, int N) Mark(JsonElement data) => (data.GetProperty("w").GetInt32(), data.GetProperty("n").GetInt32());
}
