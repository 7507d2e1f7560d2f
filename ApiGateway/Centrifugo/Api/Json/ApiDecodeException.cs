namespace Switchboard.ApiGateway.Centrifugo.Api.Json;

/// <summary>A request field of the wrong type or shape: Centrifugo answers 400 (or error 107 inside a v2/v3 reply).</summary>
public sealed class ApiDecodeException(string message) : Exception(message);
