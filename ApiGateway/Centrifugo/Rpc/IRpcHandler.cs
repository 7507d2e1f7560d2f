namespace Switchboard.ApiGateway.Centrifugo.Rpc;

/// <summary>
/// Answers a client's <c>rpc</c> command for one method name. Register implementations in DI
/// (<c>services.AddSingleton&lt;IRpcHandler, MyHandler&gt;()</c>); an unknown method gets error 104.
/// </summary>
public interface IRpcHandler
{
    string Method { get; }

    /// <summary>Returns the reply's <c>data</c> as raw JSON (empty: no data). Throw <see cref="RpcException"/> for a client error.</summary>
    Task<byte[]> Handle(RpcContext context, byte[] data);
}
