using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary><c>X-API-Sign</c>: lowercase hex HMAC-SHA256 of the raw body with the secret.</summary>
public static class ApiSignature
{
    public const string Header = "X-API-Sign";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>One keyed HMAC per thread: the one-shot <c>HashData</c> sets OpenSSL up anew each call (~2.5 µs a request).</summary>
    [ThreadStatic]
    private static (string Secret, IncrementalHash Hmac)? keyed;

    /// <summary>
    /// Constant-time comparison, so the time taken leaks nothing about the expected sign. Hex of either case is
    /// accepted; anything that is not 32 bytes of hex cannot match. Runs on every request, so it allocates nothing.
    /// </summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string sign)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(sign.AsSpan().Trim(), given, out _, out var written) != OperationStatus.Done || written != given.Length)
        {
            return false;
        }

        if (keyed is not { } current || !ReferenceEquals(current.Secret, secret))
        {
            keyed?.Hmac.Dispose();
            current = (secret, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret)));
            keyed = current;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        current.Hmac.AppendData(body);
        current.Hmac.GetHashAndReset(expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
