using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;
using Switchboard.Operations;
using Switchboard.Security;

namespace Switchboard.Silo;

/// <summary>
/// The silo's Prometheus endpoint (<c>--metrics-port</c>): a Kestrel listener of its own, since a silo serves no
/// other HTTP, behind the gateway's <see cref="AdminGate"/> and admin credentials. Its meter listener sees the
/// whole process, so it exports the silo's Orleans runtime metrics and our cluster totals on that meter. It also
/// answers <c>/health</c>, open like the gateways' (probes and load balancers carry no credentials).
/// </summary>
public sealed partial class MetricsListener(int port, IConfiguration config, SiloHealth health, ILogger<MetricsListener> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>The port of <c>--metrics-port</c>, or null when the flag is absent or not a port number.</summary>
    public static int? Port(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Only configured Rasa credentials count here: a silo serves no Rasa API, so a token generated for one
        // (with --enable-api) would be a login nobody was told; then the dashboard password is generated and printed.
        var rasaOptions = RasaAuthOptions.From(config, Secrets.Generate);
        var rasa = RasaAuth.Create(rasaOptions.GeneratedToken ? rasaOptions with { AuthToken = null, GeneratedToken = false } : rasaOptions);
        var options = AdminAccessOptions.From(config, rasa.Options.HasCredentials, Secrets.Generate);
        var access = new AdminAccess(options, rasa);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Loopback unless --address says otherwise, like the gateway's listener.
        var address = config["address"] ?? "localhost";
        builder.WebHost.UseUrls($"http://{address}:{port.ToString(CultureInfo.InvariantCulture)}");
        // The silo logs and prints for it; a second console logger would only repeat Kestrel's start-up lines.
        builder.Logging.ClearProviders();
        builder.Services.AddPrometheusMetrics("switchboard-silo", metrics => metrics.AddMeter(Switchboard.Bot.Nlu.FeatureRegex.MeterName));
        builder.Services.AddSingleton(_ => new AdminAttempts(options));
        app = builder.Build();
        var gate = new AdminGate(access, app.Services.GetRequiredService<AdminAttempts>(), loginPath: null);
        app.UseNormalFormTargets((context, reason) =>
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return context.Response.WriteAsync(reason + "\n");
        });
        app.Use(gate.Invoke);
        app.MapPrometheusMetrics();
        app.MapGet(SiloHealth.Path, () => health.IsActive
            ? Results.Text("ok\n")
            : Results.Text($"silo {health.Status}\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync(cancellationToken);

        Console.WriteLine($"Metrics: {app.Urls.First()}{AdminGate.MetricsPath}");
        Console.WriteLine(AdminAnnouncement.LoginLine(options));
        foreach (var warning in AdminAnnouncement.Warnings(options, servesDashboard: false))
        {
            Console.WriteLine(warning);
            LogWarning(logger, warning);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => app?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}
