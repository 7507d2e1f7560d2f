namespace Switchboard.ApiGateway.Centrifugo.Rpc;

/// <summary>The registered <see cref="IRpcHandler"/>s by method name.</summary>
public sealed class RpcHandlers(IEnumerable<IRpcHandler> handlers)
{
    private readonly Dictionary<string, IRpcHandler> byMethod = handlers.ToDictionary(h => h.Method, StringComparer.Ordinal);

    public bool TryGet(string method, out IRpcHandler handler) => byMethod.TryGetValue(method, out handler!);
}
