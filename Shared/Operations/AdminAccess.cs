using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchboard.Security;

namespace Switchboard.Operations;

/// <summary>
/// Checks admin credentials for the dashboard and metrics: a session cookie from the login form, or
/// <c>Authorization: Bearer</c> / <c>?token=</c> with the dashboard password, the Rasa auth token or an admin JWT.
/// The cookie is an HMAC over its expiry keyed by the configured credentials, so it is stateless and valid
/// on every gateway that shares them (behind a load balancer).
/// </summary>
public sealed class AdminAccess
{
    public const string CookieName = "switchboard_admin";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly AdminAccessOptions options;
    private readonly RasaAuth rasa;
    private readonly byte[] sessionKey;

    public AdminAccess(AdminAccessOptions options, RasaAuth rasa)
    {
        this.options = options;
        this.rasa = rasa;
        var material = string.Join('\n', "switchboard-admin-session", options.DashboardPassword, rasa.Options.AuthToken, rasa.Options.JwtSecret, rasa.Options.JwtPrivateKey);
        sessionKey = SHA256.HashData(Encoding.UTF8.GetBytes(material));
    }

    public AdminAccessOptions Options => options;

    /// <summary>Whether the request carries admin credentials (cookie, bearer or token).</summary>
    public async Task<bool> IsAdmin(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && IsValidSession(cookie))
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && await IsAdminCredential(header[7..].Trim()))
        {
            return true;
        }

        return context.Request.Query.TryGetValue("token", out var token) && token.Count == 1 && await IsAdminCredential(token[0]!);
    }

    /// <summary>The dashboard password, the Rasa auth token, or a JWT the Rasa API accepts with the admin role.</summary>
    public async Task<bool> IsAdminCredential(string credential)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return false;
        }

        if (options.DashboardPassword is { } password && FixedTimeEquals(credential, password))
        {
            return true;
        }

        // Only real credentials count: Rasa's "no credentials configured" openness must not open the dashboard.
        if (!rasa.Options.HasCredentials)
        {
            return false;
        }

        var probe = new DefaultHttpContext();
        probe.Request.QueryString = QueryString.Create("token", credential);
        probe.Request.Headers.Authorization = "Bearer " + credential;
        return (await rasa.Authenticate(probe)).IsAdmin;
    }

    public string IssueSession(DateTimeOffset now)
    {
        var expires = (now + SessionLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expires + "." + Sign(expires);
    }

    public bool IsValidSession(string? value)
    {
        var dot = value?.IndexOf('.') ?? -1;
        if (dot <= 0)
        {
            return false;
        }

        var expires = value![..dot];
        return long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            && unix > DateTimeOffset.UtcNow.ToUnixTimeSeconds()
            && FixedTimeEquals(value[(dot + 1)..], Sign(expires));
    }

    private string Sign(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(sessionKey, Encoding.UTF8.GetBytes(text)));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
