using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// What the example bots do beyond their stories, through the same gateway: a reminder scheduled by the action
/// server fires, an external intent reaches its action with its entities, the knowledge-base action resolves "the
/// second one" against the objects it listed. Each check returns null when the bot behaved as in Rasa, else what differed.
/// </summary>
public static class ExampleConversations
{
    public static IReadOnlyList<(string Name, Func<RasaServer, Task<string?>> Check)> For(string bot) => bot switch
    {
        "reminderbot" =>
        [
            ("(ours) the reminder set by the action server fires and the bot reacts", ReminderFires),
            ("(ours) an external intent reaches its action with its entities", ExternalIntent),
        ],
        "knowledgebasebot" => [("(ours) hotels listed, then an attribute of the second one", KnowledgeBaseMention)],
        _ => [],
    };

    private static async Task<string?> ReminderFires(RasaServer server)
    {
        var sender = "reminder-" + Guid.NewGuid().ToString("N");
        var reply = await Say(server, sender, "remind me to call John");
        if (!Texts(reply).Contains("I will remind you in 5 seconds."))
        {
            return $"'remind me to call John' answered [{string.Join(" | ", Texts(reply))}]";
        }

        try
        {
            // Rasa SDK's action asks for 5 s; the reminder then triggers EXTERNAL_reminder, which a rule answers.
            await Eventually.Until(
                async () => (await Events(server, sender)).Any(e => (string?)e?["event"] == "action" && (string?)e["name"] == "action_react_to_reminder"),
                timeout: TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            var events = await Events(server, sender);
            return "no action_react_to_reminder within 30 s; events: " + string.Join(", ", events.Select(e => (string?)e?["event"] + ((string?)e?["name"] is { } n ? ":" + n : "")));
        }

        var said = (await Events(server, sender)).Where(e => (string?)e?["event"] == "bot").Select(e => (string?)e!["text"]).ToList();
        return said.Contains("Remember to call someone!") ? null : "the reminder's reaction said: " + string.Join(" | ", said);
    }

    private static async Task<string?> ExternalIntent(RasaServer server)
    {
        var sender = "plant-" + Guid.NewGuid().ToString("N");
        await Say(server, sender, "hello");
        var (status, body) = await server.Send(
            HttpMethod.Post,
            $"/conversations/{sender}/trigger_intent?token={ExampleBotServer.Token}",
            """{"name": "EXTERNAL_dry_plant", "entities": {"plant": "Orchid"}}""");
        if (status != HttpStatusCode.OK)
        {
            return $"trigger_intent answered {(int)status} {body}";
        }

        var messages = JsonNode.Parse(body)!["messages"]!.AsArray();
        return Texts(messages).Contains("Your Orchid needs some water!") ? null : "trigger_intent said: " + string.Join(" | ", Texts(messages));
    }

    private static async Task<string?> KnowledgeBaseMention(RasaServer server)
    {
        var data = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RasaExample.Named("knowledgebasebot").Directory, "knowledge_base_data.json")))!;
        var hotels = data["hotel"]!.AsArray().Take(5).Select(h => h!.AsObject()).ToList();
        var sender = "kb-" + Guid.NewGuid().ToString("N");
        var listed = Texts(await Say(server, sender, """/query_knowledge_base{"object_type": "hotel"}"""));
        string[] expectedList = ["Found the following objects of type 'hotel':", .. hotels.Select((h, i) => $"{i + 1}: {h["name"]} ({h["city"]})")];
        if (!listed.SequenceEqual(expectedList))
        {
            return $"listing hotels said [{string.Join(" | ", listed)}]";
        }

        var second = hotels[1];
        var answer = Texts(await Say(server, sender, """/query_knowledge_base{"mention": "2", "attribute": "price-range"}"""));
        var expected = $"'{second["name"]} ({second["city"]})' has the value '{second["price-range"]}' for attribute 'price-range'.";
        return answer.SequenceEqual([expected]) ? null : $"asking about the second one said [{string.Join(" | ", answer)}], expected '{expected}'";
    }

    private static async Task<JsonArray> Say(RasaServer server, string sender, string text)
    {
        var (status, body) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = text }.ToJsonString());
        return status == HttpStatusCode.OK ? JsonNode.Parse(body)!.AsArray() : [];
    }

    private static async Task<JsonArray> Events(RasaServer server, string sender)
    {
        var (_, body) = await server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?token={ExampleBotServer.Token}");
        return JsonNode.Parse(body)!["events"]!.AsArray();
    }

    private static string[] Texts(JsonArray messages) => messages.Select(m => (string?)m?["text"] ?? "").ToArray();
}
