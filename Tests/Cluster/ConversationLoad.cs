using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Posts user messages (<c>POST /conversations/{id}/messages</c>) at a fixed rate over a set of conversations,
/// spread over several gateways, and records which were acknowledged; afterwards it counts them in the trackers.
/// </summary>
public sealed class ConversationLoad(IReadOnlyList<HttpClient> gateways, string token) : AcknowledgedLoad<string>
{
    /// <param name="stop">Ends the load before <paramref name="duration"/>.</param>
    public Task Run(IReadOnlyList<string> conversations, int perSecond, TimeSpan duration, CancellationToken stop = default) =>
        RunAtRate(perSecond, duration, async n =>
        {
            var conversation = conversations[n % conversations.Count];
            var text = $"message {n}";
            return (conversation, text, await TryPost(gateways[n % gateways.Count], conversation, text));
        }, stop);

    /// <summary>Reads every tracker (once the cluster answers again) and counts acknowledged messages among its user events.</summary>
    public Task<(long Found, long Lost)> CountInTrackers() => CountFound(conversation => UserTexts(gateways[0], conversation));

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
