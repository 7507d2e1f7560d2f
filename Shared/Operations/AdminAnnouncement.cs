using Switchboard.Security;

namespace Switchboard.Operations;

/// <summary>The start-up lines about admin access, printed alike by gateways and by silos' metrics listeners.</summary>
public static class AdminAnnouncement
{
    /// <summary>How to log in, with the password when it was generated (secure by default, so it must be printed).</summary>
    public static string LoginLine(AdminAccessOptions options) =>
        options.GeneratedPassword
            ? $"Dashboard password (generated; set --dashboard-password to choose one): {options.DashboardPassword}"
            : options.DashboardPassword is not null
                ? "Dashboard login: the dashboard password, or the Rasa API's admin credentials"
                : "Dashboard login: the Rasa API's admin credentials (auth token or admin JWT)";

    /// <summary>A warning for a short chosen password and a loud one for each surface opened by its flag.</summary>
    public static IEnumerable<string> Warnings(AdminAccessOptions options, bool servesDashboard)
    {
        if (!options.GeneratedPassword && WeakSecrets.Guessable("--dashboard-password", options.DashboardPassword) is { } weak)
        {
            yield return weak;
        }

        if (servesDashboard && options.DashboardOpen)
        {
            yield return Warning("--dashboard-open", "dashboard");
        }

        if (options.MetricsOpen)
        {
            yield return Warning("--metrics-open", "metrics");
        }
    }

    private static string Warning(string flag, string what) =>
        $"WARNING: {flag}: the {what} is served WITHOUT ANY CREDENTIALS to anyone who can reach this port.";
}
