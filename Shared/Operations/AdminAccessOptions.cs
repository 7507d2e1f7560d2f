using Microsoft.Extensions.Configuration;

namespace Switchboard.Operations;

/// <summary>
/// Who may see the admin surfaces (dashboard, metrics): <c>--dashboard-password</c>, or the conversation API's
/// admin credentials. Open only with <c>--dashboard-open</c> / <c>--metrics-open</c>.
/// </summary>
public sealed record AdminAccessOptions
{
    public string? DashboardPassword { get; init; }

    /// <summary>True when no credential of any kind was configured and the password was generated at start-up.</summary>
    public bool GeneratedPassword { get; init; }

    public bool DashboardOpen { get; init; }

    public bool MetricsOpen { get; init; }

    /// <summary>
    /// How often an address that spent its wrong admin credentials gets one more (<c>admin_attempt_refill_seconds</c>,
    /// at least 1; see <see cref="AdminAttempts"/>).
    /// </summary>
    public TimeSpan AttemptRefill { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> names the client (<c>trusted_proxies</c>; see <see cref="ClientAddress"/>):
    /// without them every client behind a proxy shares its address, and its budget of wrong credentials.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    public static AdminAccessOptions From(IConfiguration config, bool hasAdminCredentials, Func<string> generateSecret)
    {
        var options = new AdminAccessOptions
        {
            DashboardPassword = string.IsNullOrWhiteSpace(config["dashboard_password"]) ? null : config["dashboard_password"],
            DashboardOpen = config.GetValue("dashboard_open", false),
            MetricsOpen = config.GetValue("metrics_open", false),
            AttemptRefill = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("admin_attempt_refill_seconds", 6.0))),
            TrustedProxies = ClientAddress.ParseTrusted(config["trusted_proxies"]),
        };

        // Secure by default: with nothing to log in with, generate a password and print it.
        return options.DashboardPassword is null && !hasAdminCredentials
            ? options with { DashboardPassword = generateSecret(), GeneratedPassword = true }
            : options;
    }
}
