using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class RpcRequest
{
    public string? Method { get; set; }
    public JsonElement? Data { get; set; }
}
