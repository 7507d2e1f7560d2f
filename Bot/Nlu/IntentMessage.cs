using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Rasa's <c>/intent{"entity": "value"}</c> messages (optionally <c>/intent@0.8{...}</c>, Rasa's
/// <c>RegexMessageHandler</c>): the intent is given, not predicted, so they work without NLU. An intent the
/// domain does not know is not forced (the message is then parsed as text). A retrieval intent's response key
/// (<c>/chitchat/ask_name</c>) gives the intent <c>chitchat</c> with that full name.
/// </summary>
public static partial class IntentMessage
{
    public static ParseResult? TryParse(string text, IReadOnlyCollection<string> intents)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !intents.Contains(Training.RetrievalIntent.BaseOf(match.Groups["intent"].Value)))
        {
            return null;
        }

        var given = match.Groups["intent"].Value;
        var intent = Training.RetrievalIntent.BaseOf(given);
        var confidence = match.Groups["confidence"].Success
            && double.TryParse(match.Groups["confidence"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : 1.0;
        var entities = new List<ExtractedEntity>();
        if (match.Groups["entities"].Success)
        {
            var group = match.Groups["entities"];
            try
            {
                using var document = JsonDocument.Parse(group.Value, new JsonDocumentOptions { AllowDuplicateProperties = false });
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    // As in Rasa, every entity spans the whole JSON object; a list gives one entity per value.
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        var values = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : [property.Value];
                        entities.AddRange(values.Select(v => new ExtractedEntity(property.Name, group.Index, group.Index + group.Length, RawJson.From(v), null, null)));
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: the intent still counts, without entities (as Rasa does).
            }
        }

        var score = new IntentScore(intent, confidence);
        return new ParseResult(text, score, entities, [score])
        {
            TextTokens = ParseResult.Spans(text),
            FullRetrievalIntent = given == intent ? null : given,
        };
    }

    [GeneratedRegex(@"^/(?<intent>[^{@\s]+)(?:@(?<confidence>[0-9.]+))?(?<entities>\{.*\})?$", RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
