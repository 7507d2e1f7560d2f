using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Security;

/// <summary>
/// Verifies Rasa API JWTs with the one configured algorithm. HS256 goes through <see cref="Hs256Jwt"/> (Rasa's
/// documented example uses a 14-byte secret and no <c>exp</c>); RSA/ECDSA methods through IdentityModel with
/// the algorithm pinned and <c>exp</c> optional but enforced when present.
/// </summary>
public sealed class RasaJwtVerifier
{
    private static readonly string[] AsymmetricMethods = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private readonly string method;
    private readonly string? secret;
    private readonly TokenValidationParameters? parameters;
    private readonly JsonWebTokenHandler handler = new();

    public RasaJwtVerifier(RasaAuthOptions options)
    {
        method = options.JwtMethod.ToUpperInvariant();
        if (method == "HS256")
        {
            secret = options.JwtSecret ?? throw new InvalidOperationException("--jwt-method HS256 needs --jwt-secret");
            return;
        }

        if (!AsymmetricMethods.Contains(method))
        {
            throw new InvalidOperationException($"Unsupported --jwt-method '{options.JwtMethod}': use HS256 or one of {string.Join(", ", AsymmetricMethods)}");
        }

        // Rasa passes the verification key as --jwt-secret for asymmetric methods; --jwt-private-key also works.
        var pem = ReadPem(options.JwtPrivateKey ?? options.JwtSecret
            ?? throw new InvalidOperationException($"--jwt-method {method} needs a public key (--jwt-private-key or --jwt-secret)"));
        parameters = new TokenValidationParameters
        {
            IssuerSigningKey = method.StartsWith("ES", StringComparison.Ordinal) ? EcdsaKey(pem) : RsaKey(pem),
            ValidAlgorithms = [method],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,
        };
    }

    /// <summary>The token's claims when it verifies, else null.</summary>
    public async Task<JsonElement?> Verify(string token)
    {
        if (secret is not null)
        {
            var result = Hs256Jwt.Validate(token, secret);
            return result.IsValid ? result.Claims : null;
        }

        var validation = await handler.ValidateTokenAsync(token, parameters);
        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken jwt || jwt.Alg != method)
        {
            return null;
        }

        using var payload = StrictJson.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        return payload?.RootElement.Clone();
    }

    private static string ReadPem(string value) =>
        value.Contains("-----BEGIN", StringComparison.Ordinal) ? value : File.ReadAllText(value);

    private static RsaSecurityKey RsaKey(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa.ExportParameters(false));
    }

    private static ECDsaSecurityKey EcdsaKey(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        var publicOnly = ECDsa.Create(ecdsa.ExportParameters(false));
        return new ECDsaSecurityKey(publicOnly);
    }
}
