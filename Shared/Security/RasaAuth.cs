using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Switchboard.Security;

/// <summary>
/// Rasa's authentication: <c>?token=</c> equal to the auth token (full access), or a Bearer JWT whose
/// <c>user</c> claim carries username and role. Reusable outside the Rasa routes (the dashboard asks
/// <see cref="RasaAuthResult.IsAdmin"/> for the same admin credentials).
/// </summary>
public sealed class RasaAuth(RasaAuthOptions options, RasaJwtVerifier? jwt)
{
    public RasaAuthOptions Options => options;

    /// <summary>With a JWT verifier when a JWT key is configured.</summary>
    public static RasaAuth Create(RasaAuthOptions options) => new(options, options.UsesJwt ? new RasaJwtVerifier(options) : null);

    public async Task<RasaAuthResult> Authenticate(HttpContext context)
    {
        if (options.AuthToken is { } token && context.Request.Query.TryGetValue("token", out var provided) && FixedTimeEquals(provided, token))
        {
            return new RasaAuthResult(RasaPrincipal.Admin);
        }

        if (jwt is not null && BearerToken(context.Request) is { } bearer && await jwt.Verify(bearer) is { } claims)
        {
            return new RasaAuthResult(PrincipalFrom(claims));
        }

        // Rasa with neither token nor JWT configured is open; here only after an explicit --api-open.
        return options.Open && options.AuthToken is null && jwt is null
            ? new RasaAuthResult(RasaPrincipal.Admin)
            : default;
    }

    private static RasaPrincipal PrincipalFrom(JsonElement claims)
    {
        if (claims.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            return new RasaPrincipal(StringOrNull(user, "username"), StringOrNull(user, "role"));
        }

        return new RasaPrincipal(null, null);
    }

    private static string? StringOrNull(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static bool FixedTimeEquals(StringValues provided, string expected) =>
        provided.Count == 1 && provided[0] is { } value
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(value), System.Text.Encoding.UTF8.GetBytes(expected));
}
