using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Conversations.Spec;

/// <summary>
/// The subset of OpenAPI 3.0 schema validation the Rasa spec uses: <c>$ref</c>, <c>type</c>, <c>nullable</c>,
/// <c>enum</c>, <c>properties</c>/<c>required</c>/<c>additionalProperties</c>, <c>items</c>, <c>allOf</c>,
/// <c>anyOf</c> and <c>oneOf</c>. Returns the violations with their JSON paths.
/// </summary>
public sealed class SchemaValidator(JsonNode spec)
{
    public List<string> Validate(JsonNode? value, JsonNode schema)
    {
        var errors = new List<string>();
        Check(value, schema, "$", errors);
        return errors;
    }

    public JsonNode Resolve(JsonNode schema)
    {
        while (schema["$ref"] is JsonValue reference)
        {
            var pointer = reference.GetValue<string>();
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new NotSupportedException(pointer);
            }

            schema = pointer[2..].Split('/').Aggregate<string, JsonNode?>(spec, (node, part) => node?[part])
                     ?? throw new InvalidOperationException($"Unresolved {pointer}");
        }

        return schema;
    }

    private void Check(JsonNode? value, JsonNode raw, string path, List<string> errors)
    {
        var schema = Resolve(raw);
        if (value is null)
        {
            // nullable may sit beside a $ref (a patched property) or in the referenced schema.
            if ((bool?)raw["nullable"] != true && (bool?)schema["nullable"] != true && (schema["type"] ?? schema["$ref"] ?? raw["$ref"]) is not null)
            {
                errors.Add($"{path}: null is not allowed");
            }

            return;
        }

        if (schema["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                Check(value, part!, path, errors);
            }
        }

        if (schema["anyOf"] is JsonArray any && !any.Any(s => Validate(value, s!).Count == 0))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (schema["oneOf"] is JsonArray one)
        {
            var matches = one.Count(s => Validate(value, s!).Count == 0);
            if (matches != 1)
            {
                errors.Add($"{path}: matches {matches} of oneOf (exactly one expected)");
            }
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add($"{path}: {value.ToJsonString()} is not one of {allowed.ToJsonString()}");
        }

        var type = (string?)schema["type"];
        if (type is not null && !HasType(value, type))
        {
            errors.Add($"{path}: expected {type}, got {value.GetValueKind()}");
            return;
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject ?? [];
            foreach (var name in (schema["required"] as JsonArray ?? []).Select(n => (string)n!))
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{path}: required property '{name}' is missing");
                }
            }

            foreach (var (name, child) in obj)
            {
                if (properties[name] is { } propertySchema)
                {
                    Check(child, propertySchema, $"{path}.{name}", errors);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    Check(child, additional, $"{path}.{name}", errors);
                }
                else if (schema["additionalProperties"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.False)
                {
                    errors.Add($"{path}: unexpected property '{name}'");
                }
            }
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private static bool HasType(JsonNode value, string type) => (type, value.GetValueKind()) switch
    {
        ("object", JsonValueKind.Object) => true,
        ("array", JsonValueKind.Array) => true,
        ("string", JsonValueKind.String) => true,
        ("boolean", JsonValueKind.True or JsonValueKind.False) => true,
        ("number", JsonValueKind.Number) => true,
        ("integer", JsonValueKind.Number) => Math.Abs(value.GetValue<double>() % 1) < double.Epsilon,
        _ => false,
    };
}
