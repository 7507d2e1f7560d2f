using System.Diagnostics;
using System.Net.Http.Headers;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Benchmarks;

/// <summary>Timestamped publishes for the fan-out figures: paced (latency) or as fast as a few connections go (throughput).</summary>
public sealed class Publisher(Uri api) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Publishes <paramref name="perSecond"/> a second over <paramref name="channels"/> for <paramref name="duration"/>.</summary>
    public async Task<long> Paced(Func<long, string> channels, int perSecond, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var total = (long)(perSecond * duration.TotalSeconds);
        var sends = new List<Task<bool>>();
        for (long n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            sends.Add(Send(channels(n), n));
        }

        return (await Task.WhenAll(sends)).LongCount(ok => ok);
    }

    /// <summary>
    /// Publishes to one channel from <paramref name="concurrency"/> loops for <paramref name="duration"/>, as far
    /// ahead of the subscribers as <paramref name="window"/> lets it; returns acknowledged publishes.
    /// </summary>
    public async Task<long> FullSpeed(string channel, int concurrency, TimeSpan duration, DeliveryWindow window)
    {
        long acknowledged = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (long n = worker; until.Elapsed < duration; n += concurrency)
            {
                await window.Reserve();
                if (await Send(channel, n))
                {
                    Interlocked.Increment(ref acknowledged);
                }
            }
        }));
        return acknowledged;
    }

    private async Task<bool> Send(string channel, long sequence)
    {
        var (body, sign) = PublishBodies.Timed(channel, sequence);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, api) { Content = content };
        request.Headers.Add(ApiSignature.Header, sign);
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => http.Dispose();
}
