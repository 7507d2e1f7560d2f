using System.Runtime.InteropServices;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>Commands that are not about a subscription: publish, rpc and token refresh.</summary>
public sealed partial class ClientSession
{
    private async Task<byte[]?> Publish(uint id, PublishRequest request)
    {
        if (Resolve(request.Channel, out var channel, out var resolution) is { } resolutionError)
        {
            return Frames.Error(id, resolutionError);
        }

        if (request.Data is not { } data)
        {
            return Frames.Error(id, ClientError.BadRequest);
        }

        var subscribed = IsSubscribed(channel);
        if ((!resolution.Options.Publish && !options.ClientInsecure) || AccessError(resolution) is not null || (resolution.IsPrivate && !subscribed))
        {
            return Frames.Error(id, ClientError.PermissionDenied);
        }

        await node.Publish(channel, JsonMarshal.GetRawUtf8Value(data).ToArray(), InfoFor(channel), ClientId);
        return Frames.EmptyReply(id, "publish");
    }

    private byte[]? Refresh(uint id, RefreshRequest request)
    {
        var token = Hs256Jwt.Validate(request.Token, options.Secret);
        if (token.Status == JwtStatus.Expired)
        {
            return Frames.Error(id, ClientError.TokenExpired);
        }

        if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims) || claims.Sub != User)
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        return Frames.Reply(id, "refresh", w =>
        {
            w.WriteString("client", ClientId);
            w.WriteString("version", Version);
            if (claims.Exp > 0)
            {
                w.WriteBoolean("expires", true);
                w.WriteNumber("ttl", Math.Max(1, claims.Exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            }
        });
    }

    private async Task<byte[]?> Rpc(uint id, RpcRequest request)
    {
        if (!rpc.TryGet(request.Method ?? "", out var handler))
        {
            return Frames.Error(id, ClientError.MethodNotFound);
        }

        var data = request.Data is { } d ? JsonMarshal.GetRawUtf8Value(d).ToArray() : [];
        try
        {
            var result = await handler.Handle(new RpcContext(ClientId, User, ConnInfo, CancellationToken.None), data);
            return Frames.Reply(id, "rpc", w =>
            {
                if (result.Length > 0)
                {
                    w.WritePropertyName("data");
                    w.WriteRawValue(result);
                }
            });
        }
        catch (RpcException ex)
        {
            return Frames.Error(id, new ClientError(ex.Code, ex.Message));
        }
    }
}
