using System.Runtime.InteropServices;
using System.Text.Json;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// The claims Centrifugo tokens carry: <c>sub</c>, <c>exp</c>, <c>info</c> (any JSON), <c>channels</c>, and in
/// subscription tokens <c>channel</c> and, from Centrifugo v2, <c>client</c> (the connection the token was made for);
/// and ours, <c>allow</c> (<see cref="ConnectionScope"/>).
/// </summary>
public sealed record TokenClaims(string Sub, long Exp, byte[]? Info, List<string> Channels, string? Channel, string? Client, ConnectionScope? Scope)
{
    /// <summary>A subscription token is for this connection: made for its client id (v2) or its user (v3+).</summary>
    public bool Admits(string clientId, string user) => Client is { } client ? client == clientId : Sub == user;

    public static bool TryRead(JsonElement claims, out TokenClaims result)
    {
        result = new TokenClaims("", 0, null, [], null, null, null);
        var sub = "";
        if (claims.TryGetProperty("sub", out var subElement))
        {
            if (subElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            sub = subElement.GetString()!;
        }

        long exp = 0;
        if (claims.TryGetProperty("exp", out var expElement) && !Hs256Jwt.TryGetSeconds(expElement, out exp))
        {
            return false;
        }

        byte[]? info = null;
        if (claims.TryGetProperty("info", out var infoElement) && infoElement.ValueKind != JsonValueKind.Null)
        {
            info = JsonMarshal.GetRawUtf8Value(infoElement).ToArray();
        }

        List<string> channels = [];
        if (!TryReadStrings(claims, "channels", channels))
        {
            return false;
        }

        if (!TryReadString(claims, "channel", out var channelClaim) || !TryReadString(claims, "client", out var clientClaim))
        {
            return false;
        }

        ConnectionScope? scope = null;
        if (claims.TryGetProperty(ConnectionScope.Claim, out var scopeElement) && !ConnectionScope.TryRead(scopeElement, out scope))
        {
            return false;
        }

        result = new TokenClaims(sub, exp, info, channels, channelClaim, clientClaim, scope);
        return true;
    }

    /// <summary>Adds the strings of the array <paramref name="property"/>; false when it is there but not an array of strings.</summary>
    internal static bool TryReadStrings(JsonElement claims, string property, ICollection<string> into)
    {
        if (!claims.TryGetProperty(property, out var list))
        {
            return true;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            into.Add(item.GetString()!);
        }

        return true;
    }

    /// <summary>An optional string claim: absent is null, any other type is malformed.</summary>
    private static bool TryReadString(JsonElement claims, string name, out string? value)
    {
        value = null;
        if (!claims.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }
}
