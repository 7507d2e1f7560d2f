using System.Text;
using Switchboard.ApiGateway.Centrifugo.Rpc;

namespace Switchboard.Tests.Centrifugo;

/// <summary>An rpc method registered the way other areas register theirs: replies with who called and what was sent.</summary>
public sealed class EchoRpcHandler : IRpcHandler
{
    public string Method => "echo";

    public Task<byte[]> Handle(RpcContext context, byte[] data)
    {
        if (Encoding.UTF8.GetString(data) == "\"fail\"")
        {
            throw new RpcException(1000, "asked to fail");
        }

        return Task.FromResult(Encoding.UTF8.GetBytes($"{{\"user\":\"{context.User}\",\"echo\":{Encoding.UTF8.GetString(data)}}}"));
    }
}
