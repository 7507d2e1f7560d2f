using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Switchboard.Security;

/// <summary>
/// HS256 JSON Web Tokens, validated by hand because Centrifugo and Rasa users rely on what the
/// IdentityModel defaults refuse: secrets shorter than 256 bits and tokens without <c>exp</c>.
/// The algorithm is pinned: <c>alg</c> must be HS256, so <c>none</c> and every other algorithm fail.
/// </summary>
public static class Hs256Jwt
{
    /// <summary>
    /// Checks signature, algorithm, <c>exp</c> (at least 1 when present) and <c>nbf</c>; header and payload must be UTF-8
    /// JSON without repeated properties (<see cref="StrictJson"/>). On success returns the payload (a clone).
    /// </summary>
    public static JwtValidation Validate(string? token, string secret, DateTimeOffset? now = null)
    {
        if (string.IsNullOrEmpty(token) || secret.Length == 0)
        {
            return JwtValidation.Invalid;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[2].Length == 0)
        {
            return JwtValidation.Invalid;
        }

        if (!TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            return JwtValidation.Invalid;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(token, 0, parts[0].Length + 1 + parts[1].Length));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return JwtValidation.Invalid;
        }

        using (var header = StrictJson.Parse(headerBytes))
        {
            if (header is null
                || header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg)
                || alg.ValueKind != JsonValueKind.String
                || alg.GetString() != "HS256")
            {
                return JwtValidation.Invalid;
            }
        }

        using var payload = StrictJson.Parse(payloadBytes);
        if (payload is null || payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            return JwtValidation.Invalid;
        }

        var claims = payload.RootElement;
        var seconds = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        if (claims.TryGetProperty("exp", out var exp))
        {
            // 0, negative or below 1 would read as "never expires" to code that takes 0 for no exp: refused.
            if (!TryGetSeconds(exp, out var expSeconds) || expSeconds < 1)
            {
                return JwtValidation.Invalid;
            }

            if (expSeconds <= seconds)
            {
                return new JwtValidation(JwtStatus.Expired, claims.Clone());
            }
        }

        if (claims.TryGetProperty("nbf", out var nbf) && (!TryGetSeconds(nbf, out var nbfSeconds) || nbfSeconds > seconds))
        {
            return JwtValidation.Invalid;
        }

        return new JwtValidation(JwtStatus.Valid, claims.Clone());
    }

    /// <summary>Signs <paramref name="claims"/> (a JSON object) with HS256.</summary>
    public static string Create(string secret, object claims)
    {
        var header = Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signingInput = header + "." + payload;
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>A NumericDate claim; fractional seconds are allowed by the JWT spec.</summary>
    public static bool TryGetSeconds(JsonElement claim, out long seconds)
    {
        seconds = 0;
        if (claim.ValueKind != JsonValueKind.Number || !claim.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            return false;
        }

        seconds = (long)Math.Min(value, long.MaxValue);
        return true;
    }

    private static bool TryDecode(string part, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(part);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
