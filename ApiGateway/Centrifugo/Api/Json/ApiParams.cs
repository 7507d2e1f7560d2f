using System.Runtime.InteropServices;
using System.Text.Json;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Api.Json;

/// <summary>
/// Reads a JSON method request (v2 on: <c>params</c> of <c>/api</c>, the body of <c>/api/&lt;method&gt;</c>, a batch
/// command). A field of the wrong type throws <see cref="ApiDecodeException"/>; a missing or null field reads as empty,
/// which the method then judges (107 for a required one), as Centrifugo's decoder and validation do.
/// </summary>
public readonly struct ApiParams(JsonElement element)
{
    public static ApiParams Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new(element),
        JsonValueKind.Null or JsonValueKind.Undefined => default,
        _ => throw new ApiDecodeException("params must be an object"),
    };

    public string String(string name) => Get(name, JsonValueKind.String) is { } value ? value.GetString()! : "";

    public string? OptionalString(string name) => String(name) is { Length: > 0 } value ? value : null;

    public bool Bool(string name) => Get(name, JsonValueKind.True, JsonValueKind.False) is { } value && value.GetBoolean();

    public long Long(string name) =>
        Get(name, JsonValueKind.Number) is { } value ? value.TryGetInt64(out var n) ? n : throw new ApiDecodeException($"{name} must be an integer") : 0;

    public IReadOnlyList<string> Strings(string name)
    {
        if (Get(name, JsonValueKind.Array) is not { } array)
        {
            return [];
        }

        return array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new ApiDecodeException($"{name} must hold strings")).ToArray();
    }

    public IEnumerable<JsonElement> Array(string name) => Get(name, JsonValueKind.Array) is { } array ? array.EnumerateArray() : [];

    public ApiParams Object(string name) => Get(name, JsonValueKind.Object) is { } value ? new(value) : default;

    public bool Has(string name) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary><c>since</c>-style positions: <c>{"offset","epoch"}</c>, null when absent.</summary>
    public StreamPosition? Position(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var position = Object(name);
        return new StreamPosition(position.Long("offset"), position.String("epoch"));
    }

    /// <summary>
    /// The payload: <c>data</c> as raw JSON, or <c>b64data</c> (base64) when it holds JSON; null when neither is given.
    /// Subscribers of the JSON protocol receive it inline, so a payload that is not JSON is refused.
    /// </summary>
    public byte[]? Data()
    {
        if (Has("data"))
        {
            return JsonMarshal.GetRawUtf8Value(element.GetProperty("data")).ToArray();
        }

        if (OptionalString("b64data") is not { } b64)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            throw new ApiDecodeException("b64data must be base64");
        }

        return ApiPayload.IsJson(bytes) ? bytes : throw new ApiDecodeException("b64data must hold JSON");
    }

    private JsonElement? Get(string name, params ReadOnlySpan<JsonValueKind> kinds)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        foreach (var kind in kinds)
        {
            if (value.ValueKind == kind)
            {
                return value;
            }
        }

        throw new ApiDecodeException($"{name} has the wrong type");
    }
}
