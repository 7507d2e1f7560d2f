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

        if (request.Data is not { } data || !StrictJson.IsText(data))
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

    /// <summary>
    /// <c>refresh</c>: a new connection token (from the SDK's <c>getToken</c>) for the same user and scope moves the
    /// connection's expiry. An expired one ends the connection (3005), as in Centrifugo; a foreign one is invalid (3500).
    /// </summary>
    private byte[]? Refresh(uint id, RefreshRequest request)
    {
        var token = Hs256Jwt.Validate(request.Token, options.Secret);
        if (token.Status == JwtStatus.Expired)
        {
            Close(Disconnect.Expired);
            return null;
        }

        if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims) || claims.Sub != User || !ConnectionScope.Same(claims.Scope, scope))
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        lock (gate)
        {
            expiresAt = claims.Exp;
        }

        ScheduleExpiry(claims.Exp, options.ClientExpiredCloseDelay);
        return Frames.Reply(id, "refresh", w =>
        {
            w.WriteString("client", ClientId);
            w.WriteString("version", Version);
            Frames.WriteExpiry(w, claims.Exp, node.Expiries.Now);
        });
    }

    private async Task<byte[]?> Rpc(uint id, RpcRequest request)
    {
        var method = request.Method ?? "";
        if (scope is not null && !scope.AllowsRpc(method))
        {
            return Frames.Error(id, ClientError.PermissionDenied);
        }

        if (!rpc.TryGet(method, out var handler))
        {
            return Frames.Error(id, ClientError.MethodNotFound);
        }

        if (request.Data is { } text && !StrictJson.IsText(text))
        {
            return Frames.Error(id, ClientError.BadRequest);
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
