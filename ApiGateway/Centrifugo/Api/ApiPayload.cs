using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>Publication payloads from the server APIs: JSON, since JSON-protocol subscribers receive them inline.</summary>
public static class ApiPayload
{
    public static bool IsJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
