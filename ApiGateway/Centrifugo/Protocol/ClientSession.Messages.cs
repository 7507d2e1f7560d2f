using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Security;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>Commands that are not about a subscription: publish, rpc and token refresh.</summary>
public sealed partial class ClientSession
{
    private async Task<Wire.Reply?> Publish(uint id, Wire.PublishRequest request)
    {
        if (Resolve(request.Channel, out var channel, out var resolution) is { } resolutionError)
        {
            return WireMapping.Error(id, resolutionError);
        }

        // Payloads are JSON on every path (server API, history, JSON subscribers), whatever the client's encoding.
        if (!IsJsonText(request.Data))
        {
            return WireMapping.Error(id, ClientError.BadRequest);
        }

        var subscribed = IsSubscribed(channel);
        if ((!resolution.Options.Publish && !options.ClientInsecure) || AccessError(resolution) is not null || (resolution.IsPrivate && !subscribed))
        {
            return WireMapping.Error(id, ClientError.PermissionDenied);
        }

        await node.Publish(channel, request.Data.ToByteArray(), InfoFor(channel), ClientId);
        return new Wire.Reply { Id = id, Publish = new Wire.PublishResult() };
    }

    /// <summary>
    /// <c>refresh</c>: a new connection token (from the SDK's <c>getToken</c>) for the same user and scope moves the
    /// connection's expiry. An expired one ends the connection (3005), as in Centrifugo; a foreign one is invalid (3500).
    /// </summary>
    private Wire.Reply? Refresh(uint id, Wire.RefreshRequest request)
    {
        var (status, claims) = Credentials.OfConnection(request.Token, request.V1, options.Secret);
        if (status == CredentialStatus.Expired)
        {
            Close(Disconnect.Expired);
            return null;
        }

        if (status != CredentialStatus.Valid || claims!.Sub != User || !ConnectionScope.Same(claims.Scope, scope))
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        lock (gate)
        {
            expiresAt = claims.Exp;
        }

        ScheduleExpiry(claims.Exp, options.ClientExpiredCloseDelay);
        return new Wire.Reply
        {
            Id = id,
            Refresh = new Wire.RefreshResult { Client = ClientId, Version = Version, Expires = claims.Exp > 0, Ttl = TtlOf(claims.Exp) },
        };
    }

    private async Task<Wire.Reply?> Rpc(uint id, Wire.RpcRequest request)
    {
        if (scope is not null && !scope.AllowsRpc(request.Method))
        {
            return WireMapping.Error(id, ClientError.PermissionDenied);
        }

        if (!rpc.TryGet(request.Method, out var handler))
        {
            return WireMapping.Error(id, ClientError.MethodNotFound);
        }

        if (!request.Data.IsEmpty && !IsJsonText(request.Data))
        {
            return WireMapping.Error(id, ClientError.BadRequest);
        }

        try
        {
            var result = await handler.Handle(new RpcContext(ClientId, User, ConnInfo, CancellationToken.None), request.Data.ToByteArray());
            return new Wire.Reply { Id = id, Rpc = new Wire.RpcResult { Data = UnsafeByteOperations.UnsafeWrap(result) } };
        }
        catch (RpcException ex)
        {
            return WireMapping.Error(id, new ClientError(ex.Code, ex.Message));
        }
    }

    /// <summary>Exactly one JSON value, whose strings are text (no escaped lone surrogate, which readers downstream throw on).</summary>
    private static bool IsJsonText(ByteString data)
    {
        if (!StrictJson.IsText(data.Span))
        {
            return false;
        }

        var reader = new Utf8JsonReader(data.Span);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
