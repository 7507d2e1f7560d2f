using System.Text;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Centrifugo v1 connection credentials: <see cref="Token"/> is the hex HMAC-SHA256 of user, timestamp and info
/// (a JSON string, possibly empty) with the secret.
/// </summary>
public sealed record V1Credentials(string User, string Timestamp, string Info, string Token)
{
    /// <summary>
    /// The fields are signed joined with nothing between them, so one sign also fits the same text cut elsewhere: user
    /// "1" at 1700000000 would sign user "17" at 00000000. Only one cut is taken: a timestamp of Unix seconds in ten
    /// digits (as the SDK's documentation makes it) and <see cref="V1Info.IsPlain"/> info.
    /// </summary>
    public bool IsSignedWith(string secret) =>
        Timestamp.Length == 10 && Timestamp[0] != '0' && Timestamp.All(char.IsAsciiDigit) && V1Info.IsPlain(Info)
        && ApiSignature.Verify(secret, Encoding.UTF8.GetBytes(User + Timestamp + Info), Token);
}

/// <summary>
/// A v1 private channel sign, which the application's auth endpoint gives a client: the hex HMAC-SHA256 of the
/// client id, the channel and the channel info with the secret.
/// </summary>
public sealed record V1ChannelSign(string Client, string Info, string Sign)
{
    /// <summary>
    /// The client id is this connection's; the channel and info are cut where <see cref="V1Info.IsPlain"/> info
    /// begins, so a sign for <c>$chat:42</c> is not one for <c>$chat:4</c> with info <c>2</c>.
    /// </summary>
    public bool Admits(string secret, string clientId, string channel) =>
        Client == clientId && V1Info.IsPlain(Info) && ApiSignature.Verify(secret, Encoding.UTF8.GetBytes(Client + channel + Info), Sign);
}
