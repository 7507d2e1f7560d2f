namespace Switchboard.ApiGateway.Conversations;

/// <summary>Endpoint metadata: the largest request body the route reads, and the flag that sets it. The most specific one applies.</summary>
public sealed record RasaBodyLimit(long Bytes, string Flag);
