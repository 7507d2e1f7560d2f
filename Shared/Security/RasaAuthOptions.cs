using Microsoft.Extensions.Configuration;

namespace Switchboard.Security;

/// <summary>
/// Rasa's server security flags (<c>--enable-api</c>, <c>--auth-token</c>, <c>--jwt-secret</c>, <c>--jwt-method</c>,
/// <c>--jwt-private-key</c>, <c>--api-open</c>); the environment variables AUTH_TOKEN, JWT_SECRET, JWT_METHOD and
/// JWT_PRIVATE_KEY set the same configuration keys.
/// </summary>
public sealed record RasaAuthOptions
{
    public bool EnableApi { get; init; }

    public string? AuthToken { get; init; }

    public string? JwtSecret { get; init; }

    public string JwtMethod { get; init; } = "HS256";

    /// <summary>The RS256 verification key (PEM text or a PEM file); a private key's public half is used.</summary>
    public string? JwtPrivateKey { get; init; }

    /// <summary>Rasa's open behaviour: no credentials needed. Only with an explicit <c>--api-open</c>.</summary>
    public bool Open { get; init; }

    /// <summary>True when the token was generated at start-up rather than configured.</summary>
    public bool GeneratedToken { get; init; }

    /// <summary>An auth token or a JWT key: credentials that can prove an admin (unlike an open API).</summary>
    public bool HasCredentials => AuthToken is not null || UsesJwt;

    public bool UsesJwt => !string.IsNullOrEmpty(JwtSecret) || !string.IsNullOrEmpty(JwtPrivateKey);

    public static RasaAuthOptions From(IConfiguration config, Func<string> generateSecret)
    {
        var options = new RasaAuthOptions
        {
            EnableApi = config.GetValue("enable_api", false),
            AuthToken = NullIfEmpty(config["auth_token"]),
            JwtSecret = NullIfEmpty(config["jwt_secret"]),
            JwtMethod = NullIfEmpty(config["jwt_method"]) ?? "HS256",
            JwtPrivateKey = NullIfEmpty(config["jwt_private_key"]),
            Open = config.GetValue("api_open", false),
        };

        // Secure by default: with the API on and no credentials configured, generate a token unless told to stay open.
        if (options.EnableApi && options.AuthToken is null && !options.UsesJwt && !options.Open)
        {
            options = options with { AuthToken = generateSecret(), GeneratedToken = true };
        }

        return options;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
