using System.Text;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Centrifugo v1 connection credentials: <see cref="Token"/> is the hex HMAC-SHA256 of user, timestamp and info
/// (a JSON string, possibly empty) with the secret.
/// </summary>
public sealed record V1Credentials(string User, string Timestamp, string Info, string Token)
{
    public bool IsSignedWith(string secret) => ApiSignature.Verify(secret, Encoding.UTF8.GetBytes(User + Timestamp + Info), Token);
}

/// <summary>
/// A v1 private channel sign, which the application's auth endpoint gives a client: the hex HMAC-SHA256 of the
/// client id, the channel and the channel info with the secret.
/// </summary>
public sealed record V1ChannelSign(string Client, string Info, string Sign)
{
    public bool Admits(string secret, string clientId, string channel) =>
        Client == clientId && ApiSignature.Verify(secret, Encoding.UTF8.GetBytes(Client + channel + Info), Sign);
}
