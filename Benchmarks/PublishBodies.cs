using System.Text;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Benchmarks;

/// <summary>The <c>/api/</c> bodies the load sends (the same bytes to our gateway and to the baselines), signed.</summary>
public static class PublishBodies
{
    public const string Secret = "benchmark-secret";

    /// <summary>One publish per body, round-robin over <paramref name="channels"/> channels named <paramref name="prefix"/>N.</summary>
    public static IReadOnlyList<(byte[] Body, string Sign)> Single(int channels, string prefix = "bench") =>
        [.. Enumerable.Range(0, channels).Select(i => Signed(Command($"{prefix}{i}", i)))];

    /// <summary>Bodies of <paramref name="batch"/> publishes each (a JSON array), to <paramref name="channels"/> channels.</summary>
    public static IReadOnlyList<(byte[] Body, string Sign)> Batched(int channels, int batch, string prefix = "bench") =>
        [.. Enumerable.Range(0, Math.Max(1, channels / batch)).Select(b =>
            Signed("[" + string.Join(',', Enumerable.Range(0, batch).Select(i => Command($"{prefix}{(b * batch + i) % channels}", i))) + "]"))];

    /// <summary>A publish whose data carries the send time, for publish-to-delivery latency.</summary>
    public static (byte[] Body, string Sign) Timed(string channel, long sequence) =>
        Signed(JsonSerializer.Serialize(new { method = "publish", @params = new { channel, data = new { ts = DateTime.UtcNow.Ticks, seq = sequence } } }));

    private static string Command(string channel, int n) =>
        JsonSerializer.Serialize(new { method = "publish", @params = new { channel, data = new { text = "benchmark message", n } } });

    private static (byte[] Body, string Sign) Signed(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return (body, ApiSignature.Sign(Secret, body));
    }
}
