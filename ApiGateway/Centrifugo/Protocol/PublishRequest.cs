using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class PublishRequest
{
    public string? Channel { get; set; }
    public JsonElement? Data { get; set; }
}
