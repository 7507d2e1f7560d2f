namespace Switchboard.ApiGateway.Centrifugo.Rpc;

/// <summary>An error an <see cref="IRpcHandler"/> returns to the client as <c>{"error":{"code","message"}}</c>.</summary>
public sealed class RpcException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
