namespace Switchboard.ApiGateway.Centrifugo.Rpc;

/// <summary>Who sent an <c>rpc</c> command: the connection's client id, user (empty when anonymous) and connection info (raw JSON or null).</summary>
public sealed record RpcContext(string Client, string User, byte[]? ConnInfo, CancellationToken Aborted);
