using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Actions;

/// <summary>
/// Runs custom actions on a Rasa SDK action server: POST <c>{next_action, sender_id, tracker, domain, version}</c>,
/// answered by <c>{events, responses}</c>. Responses become bot events ahead of the returned events, as in Rasa.
/// A failing server yields an <c>action_execution_rejected</c> event that says why, so the conversation goes on.
/// </summary>
public sealed class ActionServerClient(HttpClient http, ActionEndpoint endpoint)
{
    public const string ProtocolVersion = "3.6.0";

    public ActionEndpoint Endpoint { get; } = endpoint;

    /// <summary>Runs <paramref name="action"/> for the tracker; <paramref name="slots"/> fill the templates of the responses it returns.</summary>
    public async Task<List<TrackerEvent>> Run(string action, TrackerState tracker, BotDomain domain, IReadOnlyDictionary<string, JsonNode?> slots, CancellationToken cancellation)
    {
        var body = EventWriter.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WriteString("next_action", action);
            w.WriteString("sender_id", tracker.SenderId);
            w.WritePropertyName("tracker");
            EventWriter.WriteTracker(w, tracker);
            w.WritePropertyName("domain");
            domain.Json.WriteTo(w);
            w.WriteString("version", ProtocolVersion);
            w.WriteEndObject();
        });
        var url = Endpoint.Token is null ? Endpoint.Url : new Uri(Endpoint.Url + (Endpoint.Url.Query.Length > 0 ? "&" : "?") + "token=" + Uri.EscapeDataString(Endpoint.Token));
        JsonObject? answer;
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(url, content, cancellation);
            var text = await response.Content.ReadAsStringAsync(cancellation);
            if (!response.IsSuccessStatusCode)
            {
                var reason = TryParse(text)?["error"]?.ToString() ?? text;
                return [Failed(action, $"the action server answered {(int)response.StatusCode} for '{action}': {Truncate(reason)}")];
            }

            answer = TryParse(text);
            if (answer is null)
            {
                return [Failed(action, $"the action server's answer for '{action}' is not a JSON object")];
            }
        }
        catch (HttpRequestException e)
        {
            return [Failed(action, $"the action server at {Endpoint.Url} is unreachable: {e.Message}")];
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return [Failed(action, $"the action server at {Endpoint.Url} did not answer in time")];
        }

        var events = new List<TrackerEvent>();
        foreach (var response in (answer["responses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Message(response, domain, slots) is { } message)
            {
                events.Add(BotUttered.From(message));
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var e in (answer["events"] as JsonArray ?? []).OfType<JsonObject>())
        {
            try
            {
                events.Add(EventReader.Read(JsonSerializer.SerializeToElement(e), now));
            }
            catch (InvalidEventException)
            {
                // As Rasa does, an event the server got wrong is skipped and the others are applied.
            }
        }

        return events;
    }

    /// <summary>A response of the action server: a named domain response (<c>response</c>/<c>template</c>) or literal text, buttons, image, custom.</summary>
    private static BotMessage? Message(JsonObject response, BotDomain domain, IReadOnlyDictionary<string, JsonNode?> slots)
    {
        if (((string?)response["response"] ?? (string?)response["template"]) is { } name)
        {
            var withArgs = new Dictionary<string, JsonNode?>(slots, StringComparer.Ordinal);
            foreach (var (key, value) in response.Where(kv => kv.Key is not ("response" or "template")))
            {
                withArgs[key] = value?.DeepClone();
            }

            return ResponseRenderer.Render(domain, name, withArgs, (string?)response["channel"]);
        }

        var buttons = (response["buttons"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(b => new ResponseButton((string?)b["title"] ?? "", (string?)b["payload"] ?? ""))
            .ToList();
        var text = (string?)response["text"];
        var image = (string?)response["image"];
        var custom = response["custom"] is JsonObject { Count: > 0 } c ? c.DeepClone() : null;
        var attachment = response["attachment"]?.DeepClone();
        return text is null && image is null && custom is null && attachment is null && buttons.Count == 0
            ? null
            : new BotMessage(text, buttons, image, custom, attachment, null);
    }

    private static ActionExecutionRejected Failed(string action, string error) => ActionExecutionRejected.Failed(action, error);

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
