using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Dashboard;
using Switchboard.ApiGateway.Hosting;
using Switchboard.ApiGateway.Security;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Operations;

/// <summary>Operations: the Orleans dashboard, Prometheus metrics, the login for both, and the node's health.</summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddSingleton(sp =>
        {
            var rasa = sp.GetRequiredService<RasaAuthOptions>();
            return AdminAccessOptions.From(config, rasa.AuthToken is not null || rasa.UsesJwt, Secrets.Generate);
        });
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<AdminGate>();
        builder.Services.AddSingleton<GatewayInstruments>();

        // Embedded default: the co-hosted silo already has the dashboard (SiloSetup). Redis: the gateway is a client.
        if (ClusterSettings.From(config).UsesRedis)
        {
            builder.UseOrleansClient(client => client.AddDashboard());
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("switchboard-gateway", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", GatewayInstruments.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.Services.GetRequiredService<GatewayInstruments>();
        var gate = app.Services.GetRequiredService<AdminGate>();
        app.Use(gate.Invoke);
        DashboardLogin.Map(app);
        app.MapOrleansDashboard(routePrefix: AdminGate.DashboardPath);
        app.MapPrometheusScrapingEndpoint(AdminGate.MetricsPath);
        HealthEndpoint.Map(app);
        Announce(app.Services.GetRequiredService<AdminAccessOptions>(), app.Services.GetRequiredService<StartupBanner>(), app.Logger);
        return app;
    }

    private static void Announce(AdminAccessOptions options, StartupBanner banner, ILogger logger)
    {
        banner.Add("Dashboard: {base}" + AdminGate.DashboardPath + "/   Metrics: {base}" + AdminGate.MetricsPath + "   Health: {base}" + HealthEndpoint.Path);
        banner.Add(options.GeneratedPassword
            ? $"Dashboard password (generated; set --dashboard-password to choose one): {options.DashboardPassword}"
            : options.DashboardPassword is not null
                ? "Dashboard login: the dashboard password, or the Rasa API's admin credentials"
                : "Dashboard login: the Rasa API's admin credentials (auth token or admin JWT)");
        foreach (var (open, what, flag) in new[] { (options.DashboardOpen, "dashboard", "--dashboard-open"), (options.MetricsOpen, "metrics", "--metrics-open") })
        {
            if (open)
            {
                var warning = $"WARNING: {flag}: the {what} is served WITHOUT ANY CREDENTIALS to anyone who can reach this port.";
                banner.Add(warning);
                logger.LogWarning("{Warning}", warning);
            }
        }
    }
}
