using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// What a connection whose token carries an <c>allow</c> claim may use, and nothing else:
/// <c>{"allow": {"channels": ["rasa#chat-1"], "rpc": ["rasa.message"]}}</c> admits subscribing to (and querying and,
/// where the channel's options let clients, publishing into) those channels, and calling those RPC methods.
/// Tokens without the claim are not limited by it. The chat page's visitor tokens carry one (their conversation only).
/// </summary>
public sealed class ConnectionScope(IReadOnlySet<string> channels, IReadOnlySet<string> rpcMethods)
{
    public const string Claim = "allow";

    public IReadOnlySet<string> Channels { get; } = channels;

    public IReadOnlySet<string> RpcMethods { get; } = rpcMethods;

    public bool AllowsChannel(string channel) => Channels.Contains(channel);

    public bool AllowsRpc(string method) => RpcMethods.Contains(method);

    /// <summary>The same channels and methods (a refreshed token must not widen or change the scope).</summary>
    public static bool Same(ConnectionScope? a, ConnectionScope? b) =>
        a is null ? b is null : b is not null && a.Channels.SetEquals(b.Channels) && a.RpcMethods.SetEquals(b.RpcMethods);

    /// <summary>The claim's value for a token: <c>{"channels": [...], "rpc": [...]}</c>.</summary>
    public static Dictionary<string, string[]> ClaimValue(IEnumerable<string> channels, IEnumerable<string> rpcMethods) => new()
    {
        ["channels"] = [.. channels],
        ["rpc"] = [.. rpcMethods],
    };

    /// <summary>Reads the claim; false when it is not an object of string arrays (the token is then invalid).</summary>
    public static bool TryRead(JsonElement claim, out ConnectionScope? scope)
    {
        scope = null;
        var channels = new HashSet<string>(StringComparer.Ordinal);
        var rpc = new HashSet<string>(StringComparer.Ordinal);
        if (claim.ValueKind != JsonValueKind.Object
            || !TokenClaims.TryReadStrings(claim, "channels", channels)
            || !TokenClaims.TryReadStrings(claim, "rpc", rpc))
        {
            return false;
        }

        scope = new ConnectionScope(channels, rpc);
        return true;
    }
}
