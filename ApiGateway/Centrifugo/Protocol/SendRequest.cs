using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class SendRequest
{
    public JsonElement? Data { get; set; }
}
