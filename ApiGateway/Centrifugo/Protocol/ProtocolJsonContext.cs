using System.Text.Json.Serialization;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>Source-generated parsing of client commands (every command of every connection goes through it).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ClientCommand))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
