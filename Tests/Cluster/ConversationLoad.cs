using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Posts user messages (<c>POST /conversations/{id}/messages</c>) at a fixed rate over a set of conversations,
/// spread over several gateways, and records which were acknowledged; afterwards it counts them in the trackers.
/// </summary>
public sealed class ConversationLoad(IReadOnlyList<HttpClient> gateways, string token)
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> acknowledged = new();
    private long sent;
    private long failed;

    public long Sent => Interlocked.Read(ref sent);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>How long scheduling took: longer than the planned duration means the load generator fell behind.</summary>
    public TimeSpan SendingTime { get; private set; }

    public long Acknowledged => acknowledged.Values.Sum(b => (long)b.Count);

    public async Task Run(IReadOnlyList<string> conversations, int perSecond, TimeSpan duration)
    {
        SendingTime = await FixedRate.Run(perSecond, duration, async n =>
        {
            var conversation = conversations[n % conversations.Count];
            var text = $"message {n}";
            Interlocked.Increment(ref sent);
            if (await TryPost(gateways[n % gateways.Count], conversation, text))
            {
                acknowledged.GetOrAdd(conversation, _ => []).Add(text);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        });
    }

    /// <summary>Reads every tracker (once the cluster answers again) and counts acknowledged messages among its user events.</summary>
    public async Task<(long Found, long Lost)> CountInTrackers()
    {
        long found = 0, lost = 0;
        foreach (var (conversation, bag) in acknowledged)
        {
            var texts = await Eventually.Get(() => UserTexts(gateways[0], conversation), _ => true, tolerateConnectionErrors: true);
            var acked = bag.ToArray();
            found += acked.Count(texts.Contains);
            lost += acked.Count(t => !texts.Contains(t));
        }

        return (found, lost);
    }

    private async Task<bool> TryPost(HttpClient http, string conversation, string text)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/conversations/{conversation}/messages?token={token}", new { text, sender = "user" });
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<HashSet<string>> UserTexts(HttpClient http, string conversation)
    {
        using var response = await http.GetAsync($"/conversations/{conversation}/tracker?token={token}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("event").GetString() == "user" && e.TryGetProperty("text", out _))
            .Select(e => e.GetProperty("text").GetString()!)
            .ToHashSet();
    }
}
