using System.Text;
using System.Text.Json;
using Switchboard.Security;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>What a connection or subscription credential came to: its claims when valid.</summary>
public enum CredentialStatus
{
    Missing,
    Expired,
    Invalid,
    Valid,
}

/// <summary>
/// Checks the credentials a client presents, whichever kind its protocol generation uses: HS256 JWTs (v2+), or
/// the HMAC signs of v1.
/// </summary>
public static class Credentials
{
    public static (CredentialStatus Status, TokenClaims? Claims) OfConnection(string token, V1Credentials? v1, string secret)
    {
        if (v1 is not null)
        {
            return !v1.IsSignedWith(secret) || !TryReadInfo(v1.Info, out var info)
                ? (CredentialStatus.Invalid, null)
                : (CredentialStatus.Valid, new TokenClaims(v1.User, 0, info, [], null, null, null));
        }

        // A subscription token (it names a channel) is not a connection token, as Centrifugo rules since v4: it would
        // connect, or refresh a connection, for as long as a channel's token lives. Refused before its expiry is
        // looked at, as Centrifugo does (an expired one is not worth the client's refresh).
        var (status, claims) = OfJwt(token, secret);
        return !string.IsNullOrEmpty(claims?.Channel) ? (CredentialStatus.Invalid, null) : (status, claims);
    }

    /// <summary>
    /// A private channel's subscription credential, for this connection and channel only: the channel info it grants
    /// and its <c>exp</c> (0: it does not expire; v1 signs never do).
    /// </summary>
    public static (CredentialStatus Status, byte[]? ChanInfo, long Exp) OfSubscription(string token, V1ChannelSign? v1, string channel, string clientId, string user, string secret)
    {
        if (v1 is not null)
        {
            return v1.Admits(secret, clientId, channel) && TryReadInfo(v1.Info, out var info) ? (CredentialStatus.Valid, info, 0) : (CredentialStatus.Invalid, null, 0);
        }

        var (status, claims) = OfJwt(token, secret);
        if (status == CredentialStatus.Valid && (!claims!.Admits(clientId, user) || claims.Channel != channel))
        {
            status = CredentialStatus.Invalid;
        }

        return (status, claims?.Info, claims?.Exp ?? 0);
    }

    private static (CredentialStatus, TokenClaims?) OfJwt(string token, string secret)
    {
        if (token.Length == 0)
        {
            return (CredentialStatus.Missing, null);
        }

        var jwt = Hs256Jwt.Validate(token, secret);
        if (jwt.Status == JwtStatus.Expired)
        {
            // Its claims still say what kind of token it is (a connection's or a channel's).
            return (CredentialStatus.Expired, TokenClaims.TryRead(jwt.Claims, out var expired) ? expired : null);
        }

        return jwt.IsValid && TokenClaims.TryRead(jwt.Claims, out var claims) ? (CredentialStatus.Valid, claims) : (CredentialStatus.Invalid, null);
    }

    /// <summary>v1 info is a JSON document in a string; empty is none.</summary>
    private static bool TryReadInfo(string info, out byte[]? json)
    {
        json = null;
        if (info.Length == 0)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(info);
            json = Encoding.UTF8.GetBytes(info);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
