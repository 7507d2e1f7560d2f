using System.Text;

namespace Switchboard.Security;

/// <summary>
/// Start-up warnings for secrets the operator chose that are too short to hold. An HMAC-SHA256 key shorter than its
/// hash (32 bytes, RFC 7518 section 3.2) can be searched offline from any one token or signed request it made; a token
/// or password shorter than <see cref="MinGuessedLength"/> characters can be guessed by trying it against the server.
/// Warned, not refused: configurations written for Rasa and Centrifugo (Rasa's docs use <c>thisismysecret</c>) must keep
/// starting. Only the length is judged; the generated secrets are 64 hex digits.
/// </summary>
public static class WeakSecrets
{
    public const int MinHmacKeyBytes = 32;

    public const int MinGuessedLength = 16;

    /// <summary>A warning when <paramref name="key"/>, an HMAC-SHA256 key, is shorter than 32 bytes.</summary>
    public static string? HmacKey(string flag, string? key)
    {
        var bytes = key is null ? 0 : Encoding.UTF8.GetByteCount(key);
        return key is null || bytes >= MinHmacKeyBytes ? null
            : $"WARNING: {flag} is {bytes} bytes: an HMAC-SHA256 key shorter than {MinHmacKeyBytes} bytes can be found offline from any token or signature it made. Use {MinHmacKeyBytes} random bytes or more (the generated ones are 64 hex digits).";
    }

    /// <summary>A warning when <paramref name="value"/>, a token or password checked as given, is shorter than 16 characters.</summary>
    public static string? Guessable(string flag, string? value) =>
        value is null || value.Length >= MinGuessedLength ? null
            : $"WARNING: {flag} is {value.Length} characters: short enough to find by trying it against the server. Use {MinGuessedLength} random characters or more (the generated ones are 64 hex digits).";
}
