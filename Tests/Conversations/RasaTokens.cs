using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchboard.Security;

namespace Switchboard.Tests.Conversations;

/// <summary>JWTs as Rasa clients make them, plus the bad ones the API must refuse.</summary>
public static class RasaTokens
{
    /// <summary>The seed's example secret: 14 bytes, used with tokens that have no <c>exp</c>.</summary>
    public const string Secret = "thisismysecret";

    public static object Claims(string? username, string role, long? exp = null)
    {
        var claims = new Dictionary<string, object> { ["user"] = new Dictionary<string, object?> { ["username"] = username, ["role"] = role } };
        if (exp is not null)
        {
            claims["exp"] = exp;
        }

        return claims;
    }

    public static string Admin(string secret = Secret) => Hs256Jwt.Create(secret, Claims("admin", "admin"));

    public static string User(string username, string secret = Secret) => Hs256Jwt.Create(secret, Claims(username, "user"));

    public static string Expired() => Hs256Jwt.Create(Secret, Claims("admin", "admin", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));

    public static string Forged() => Hs256Jwt.Create("not-the-secret", Claims("admin", "admin"));

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public static string AlgNone() =>
        Part(new { alg = "none", typ = "JWT" }) + "." + Part(Claims("admin", "admin")) + ".";

    /// <summary>Signed with the right secret but HS512, which the server does not accept.</summary>
    public static string Hs512() => Signed("HS512", Claims("admin", "admin"), input => HMACSHA512.HashData(Encoding.UTF8.GetBytes(Secret), input));

    public static string Rs256(RSA key, object claims) => Signed("RS256", claims, input => key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static string Signed(string alg, object claims, Func<byte[], byte[]> sign)
    {
        var input = Part(new { alg, typ = "JWT" }) + "." + Part(claims);
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string Part(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
