using Switchboard.ApiGateway.Hosting;
using Switchboard.Hosting;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Security;

/// <summary>Registers <see cref="RasaAuth"/> (also used by the dashboard for its admin check) and announces the credentials.</summary>
public static class RasaSecuritySetup
{
    public static WebApplicationBuilder AddRasaAuth(this WebApplicationBuilder builder)
    {
        var options = RasaAuthOptions.From(builder.Configuration, Secrets.Generate);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(RasaAuth.Create(options));
        builder.Services.AddSingleton<RasaAuthFilter>();
        return builder;
    }

    /// <summary>Banner lines: the generated token, a warning for a short chosen secret, a loud one when the API is open.</summary>
    public static void Announce(RasaAuthOptions options, StartupBanner banner, ILogger logger)
    {
        if (!options.EnableApi)
        {
            banner.Add("Rasa API: off (--enable-api to serve it); webhooks at {base}/webhooks/rest/webhook");
            return;
        }

        banner.Add("Rasa API: {base}/ (Rasa " + Conversations.RasaVersion.Version + " HTTP API)");
        if (options.GeneratedToken)
        {
            banner.Add($"Rasa API auth token (generated; set --auth-token or AUTH_TOKEN to choose one): {options.AuthToken}");
        }

        if (options.UsesJwt)
        {
            banner.Add($"Rasa API JWT: {options.JwtMethod.ToUpperInvariant()}");
        }

        banner.Warn(logger, options.GeneratedToken ? null : WeakSecrets.Guessable("--auth-token", options.AuthToken));
        banner.Warn(logger, options.JwtMethod.Equals("HS256", StringComparison.OrdinalIgnoreCase) ? WeakSecrets.HmacKey("--jwt-secret", options.JwtSecret) : null);
        banner.Warn(logger, options.Open
            ? "WARNING: --api-open: the Rasa API accepts requests WITHOUT ANY CREDENTIALS. Anyone who can reach this port can read and change every conversation and the model."
            : null);
    }
}
