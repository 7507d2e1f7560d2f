using System.Runtime.InteropServices;
using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>A validated server API command; <see cref="Params"/> is an object (empty when absent).</summary>
public sealed record ApiCommand(string Method, JsonElement Params)
{
    public string String(string name) => Params.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public byte[]? Raw(string name) => Params.TryGetProperty(name, out var value) ? JsonMarshal.GetRawUtf8Value(value).ToArray() : null;
}
