using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Hosting;
using Switchboard.Operations;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Operations;

/// <summary>Operations: the Orleans dashboard, Prometheus metrics, the login for both, and the node's health.</summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddSingleton(sp => AdminAccessOptions.From(config, sp.GetRequiredService<RasaAuthOptions>().HasCredentials, Secrets.Generate));
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<AdminAttempts>();
        builder.Services.AddSingleton(sp => new AdminGate(sp.GetRequiredService<AdminAccess>(), sp.GetRequiredService<AdminAttempts>(), DashboardLogin.Path));
        builder.Services.AddSingleton<GatewayInstruments>();

        // Embedded default: the co-hosted silo already has the dashboard (SiloSetup). Redis: the gateway is a client.
        if (ClusterSettings.From(config).UsesRedis)
        {
            builder.UseOrleansClient(client => client.AddDashboard());
        }

        DashboardAssets.ReplaceUpstreamProvider(builder.Services);

        builder.Services.AddPrometheusMetrics("switchboard-gateway", metrics => metrics
            .AddMeter(GatewayInstruments.MeterName, Switchboard.Bot.Nlu.FeatureRegex.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddView(PerBufferInstruments));
        return builder;
    }

    /// <summary>
    /// Instruments ASP.NET Core records several times per request, not worth their cost: Kestrel's memory pool counts
    /// every buffer rented and returned (<c>aspnetcore.memory_pool.rented</c>, <c>.pooled</c>) and routing every match
    /// (<c>aspnetcore.routing.match_attempts</c>). Dropped, nothing listens to them, so they are skipped: 2% of the
    /// gateway's profile under single publishes, 6% less gateway CPU per publish measured (docs/benchmarks.md). The
    /// pool's growth (<c>.allocated</c>, <c>.evicted</c>, rare) and the request metrics stay.
    /// </summary>
    private static MetricStreamConfiguration? PerBufferInstruments(Instrument instrument) =>
        instrument.Name is "aspnetcore.memory_pool.rented" or "aspnetcore.memory_pool.pooled" or "aspnetcore.routing.match_attempts"
            ? MetricStreamConfiguration.Drop
            : null;

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.Services.GetRequiredService<GatewayInstruments>();
        var gate = app.Services.GetRequiredService<AdminGate>();
        app.Use(gate.Invoke);
        DashboardLogin.Map(app);
        DashboardAssets.Map(app, AdminGate.DashboardPath);
        app.MapOrleansDashboard(routePrefix: AdminGate.DashboardPath);
        app.MapPrometheusMetrics();
        HealthEndpoint.Map(app);
        Announce(app.Services.GetRequiredService<AdminAccessOptions>(), app.Services.GetRequiredService<StartupBanner>(), app.Logger);
        return app;
    }

    private static void Announce(AdminAccessOptions options, StartupBanner banner, ILogger logger)
    {
        banner.Add("Dashboard: {base}" + AdminGate.DashboardPath + "/   Metrics: {base}" + AdminGate.MetricsPath + "   Health: {base}" + HealthEndpoint.Path);
        banner.Add(AdminAnnouncement.LoginLine(options));
        foreach (var warning in AdminAnnouncement.Warnings(options, servesDashboard: true))
        {
            banner.Warn(logger, warning);
        }
    }
}
