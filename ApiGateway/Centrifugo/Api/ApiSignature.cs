using System.Security.Cryptography;
using System.Text;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary><c>X-API-Sign</c>: lowercase hex HMAC-SHA256 of the raw body with the secret.</summary>
public static class ApiSignature
{
    public const string Header = "X-API-Sign";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Constant-time comparison, so the time taken leaks nothing about the expected sign.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string sign)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(sign.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
