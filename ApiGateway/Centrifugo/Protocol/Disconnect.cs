using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Why the server closes a connection, sent as the WebSocket close code and reason. The client reconnects
/// after codes below 3500 and stays disconnected after 3500-3999.
/// </summary>
public sealed record Disconnect(int Code, string Reason)
{
    public static readonly Disconnect Normal = new(3000, "connection closed");
    public static readonly Disconnect Shutdown = new(3001, "shutdown");
    public static readonly Disconnect ServerError = new(3004, "internal server error");
    public static readonly Disconnect Expired = new(3005, "connection expired");
    public static readonly Disconnect Slow = new(3008, "slow");

    /// <summary>A subscription missed a publication, for clients too old to resubscribe on 2500: they reconnect and recover.</summary>
    public static readonly Disconnect InsufficientState = new(3010, "insufficient state");
    public static readonly Disconnect NoPong = new(3012, "no pong");
    public static readonly Disconnect TooManyRequests = new(3013, "too many requests");
    public static readonly Disconnect InvalidToken = new(3500, "invalid token");
    public static readonly Disconnect BadRequest = new(3501, "bad request");
    public static readonly Disconnect ForceNoReconnect = new(3503, "force disconnect");

    /// <summary>The user already holds <c>client_user_connection_limit</c> connections (Centrifugo since v2.8; before, error 106 on connect).</summary>
    public static readonly Disconnect ConnectionLimit = new(3504, "connection limit");
    public static readonly Disconnect ForceReconnect = new(3011, "force reconnect");
    public static readonly Disconnect MessageTooBig = new(1009, "message size limit exceeded");

    /// <summary>Whether the client should reconnect after it.</summary>
    public bool Reconnect => Code < 3500;

    /// <summary>Clients of the v1 and v2 protocols read the close reason as JSON advice: why, and whether to reconnect.</summary>
    public Disconnect AsAdvice() => this with { Reason = $$"""{"reason":{{JsonSerializer.Serialize(Reason)}},"reconnect":{{(Reconnect ? "true" : "false")}}}""" };

    /// <summary>Closed for what the client did (slow, oversized, malformed, bad token, one connection too many): worth one log line.</summary>
    public bool IsClientFault => Code is 1009 or 3008 or 3013 or 3500 or 3501 or 3504;
}
