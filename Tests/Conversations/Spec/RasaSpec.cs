using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations.Spec;

/// <summary>
/// <c>../shared/specs/rasa-http-api.yml</c> (Rasa 3.6.13's OpenAPI spec), loaded at run time, with the places
/// where Rasa's server differs from it patched to what the server does (each patch says why).
/// </summary>
public sealed class RasaSpec
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private RasaSpec(JsonObject root)
    {
        Root = root;
        Validator = new SchemaValidator(root);
    }

    public JsonObject Root { get; }

    public SchemaValidator Validator { get; }

    public static RasaSpec Load()
    {
        var path = Path.Combine(Repo.Shared, "specs", "rasa-http-api.yml");
        var root = YamlSource.ToJson(YamlSource.Load(File.ReadAllText(path), path).Root)!.AsObject();
        ApplyServerDifferences(root);
        return new RasaSpec(root);
    }

    /// <summary>Every documented (operation, status) pair, with the operation's method and path.</summary>
    public IEnumerable<(string OperationId, string Method, string Path, int Status)> Responses()
    {
        foreach (var (path, item) in Root["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is JsonObject operation)
                {
                    foreach (var (status, _) in operation["responses"]!.AsObject())
                    {
                        yield return ((string)operation["operationId"]!, method.ToUpperInvariant(), path, int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }
        }
    }

    public JsonObject Operation(string operationId) =>
        Root["paths"]!.AsObject()
            .SelectMany(p => Methods.Select(m => p.Value![m]).OfType<JsonObject>())
            .Single(o => (string?)o["operationId"] == operationId);

    /// <summary>The documented response of an operation for a status, $refs resolved; null when undocumented.</summary>
    public JsonObject? Response(string operationId, int status)
    {
        var response = Operation(operationId)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return response is null ? null : (JsonObject)Validator.Resolve(response);
    }

    private static void ApplyServerDifferences(JsonObject root)
    {
        var schemas = root["components"]!["schemas"]!.AsObject();
        var tracker = schemas["Tracker"]!["properties"]!.AsObject();

        // ../shared/specs/README.md: the tracker carries sender_id and slots is an object {name: value}.
        tracker["sender_id"] = new JsonObject { ["type"] = "string" };
        schemas["Tracker"]!["required"] = new JsonArray("sender_id");
        tracker["slots"] = new JsonObject { ["type"] = "object" };

        // Rasa's current_state() returns None for these on a tracker without them, and events is None for include_events=NONE.
        foreach (var name in new[] { "latest_event_time", "followup_action", "latest_input_channel", "latest_action_name", "events" })
        {
            tracker[name]!["nullable"] = true;
        }

        // rasa/core/test.py puts each prediction's confidence (a float, None when no policy predicted) into the
        // report's actions list as it is; the spec calls it a string.
        schemas["EvaluationStoriesResult"]!["properties"]!["actions"]!["items"]!["properties"]!["confidence"] = new JsonObject { ["type"] = "number", ["nullable"] = true };

        // Event timestamps are time.time() floats, not integers.
        schemas["BasicEvent"]!["properties"]!["timestamp"] = new JsonObject { ["type"] = "number" };

        // The empty latest message (UserUttered.empty()) has intent {} and text None; a message parsed without NLU
        // has intent name None; external intents (trigger_intent, reminders) have no confidence and entities no offsets.
        schemas["Intent"]!["required"] = new JsonArray();
        schemas["Intent"]!["properties"]!["name"]!["nullable"] = true;
        schemas["ParseResult"]!["properties"]!["text"] = new JsonObject { ["type"] = "string", ["nullable"] = true };
        schemas["Entity"]!["required"] = new JsonArray("entity", "value");

        // The error body's help is None unless a docs link applies (README: every error is this body).
        schemas["Error"]!["properties"]!["help"]!["nullable"] = true;

        // Domain.as_dict() of Rasa 3: intents are names (or {name: properties}); slots have no auto_fill (Rasa 2)
        // and initial_value keeps the slot's type.
        schemas["Domain"]!["properties"]!["intents"]!["items"] = new JsonObject();
        // Each response is a list of variations, as in the domain file.
        schemas["Domain"]!["properties"]!["responses"]!["additionalProperties"] = new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/TemplateDescription" },
        };
        schemas["SlotDescription"]!["required"] = new JsonArray("type");
        schemas["SlotDescription"]!["properties"]!["initial_value"] = new JsonObject { ["nullable"] = true };

        // The story report is sklearn's classification_report dict, whose "accuracy" entry is a number.
        schemas["EvaluationStoriesResult"]!["properties"]!["report"]!["additionalProperties"] = new JsonObject();

        // README: /model/parse answers 409 without a model; issue 3: so does /domain.
        var conflict = new JsonObject { ["$ref"] = "#/components/responses/409Conflict" };
        root["paths"]!["/model/parse"]!["post"]!["responses"]!["409"] = conflict.DeepClone();
        root["paths"]!["/domain"]!["get"]!["responses"]!["409"] = conflict.DeepClone();
    }
}
