namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// Bodies of the anonymous REST webhook: a sender, a message (text, <c>/intent{...}</c> forms, commands) and metadata,
/// or near misses of that shape.
/// </summary>
public sealed class WebhookBodyGrammar : IFuzzGrammar
{
    private static readonly string[] Messages =
    [
        "hi", "I want thai food in Berlin for 2 people at 7pm", "/greet", "/restart", "/session_start", "/inform{\"cuisine\": \"thai\"}",
        "/inform{\"cuisine\": [[[[1]]]]}", "/inform{\"cuisine\":", "/inform{}", "/inform[]", "/", "//", "/\\ud800", "/nlu_fallback{\"a\": 1e999}",
        "/inform{\"cuisine\": \"thai\", \"cuisine\": \"x\"}", "/inform@0.5", "/inform@2", "/inform@-1", "", " ", "\\u0000", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        "\u00e9\u4e2d\ud83d\ude00", "book a table for tomorrow at 7 and the day after",
    ];

    public byte[] Generate(Random random)
    {
        var json = new JsonText(random);
        List<(string, string)> members = [];
        if (random.Next(8) > 0)
        {
            members.Add(("sender", random.Next(4) == 0 ? json.Field("string") : json.String("fuzz-" + random.Next(20))));
        }

        if (random.Next(8) > 0)
        {
            members.Add(("message", random.Next(4) == 0 ? json.Field("string") : json.String(json.Pick(Messages))));
        }

        if (random.Next(3) == 0)
        {
            members.Add(("metadata", json.Value(3)));
        }

        if (random.Next(6) == 0)
        {
            members.Add((json.Word(), json.Value(2)));
        }

        return System.Text.Encoding.UTF8.GetBytes(random.Next(30) == 0 ? json.Value(2) : json.Object(members));
    }
}
