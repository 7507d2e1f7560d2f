using Switchboard.ApiGateway.Centrifugo;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.ApiGateway.Conversations;
using Switchboard.ApiGateway.Operations;
using Switchboard.Hosting;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>Builds the gateway web application from command-line flags (also used by tests).</summary>
public static class GatewayApp
{
    public const int DefaultPort = 8000;

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json is read from beside the program, wherever it is started from (the working directory is
        // the user's, so relative paths in flags resolve as typed).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddSwitchboardFlags(args);
        configure?.Invoke(builder);

        var config = builder.Configuration;
        if (string.IsNullOrEmpty(config["urls"]))
        {
            var address = config["address"] ?? "localhost";
            var port = config.GetValue("port", DefaultPort);
            builder.WebHost.UseUrls($"http://{address}:{port}");
        }

        // Also when appsettings.json is not in the content root: per-request Information logs cost ~8% of a publish.
        var cluster = ClusterSettings.From(config);
        builder.AddOperatorLogging(cluster);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // While this logger is enabled at any level, ASP.NET Core starts an Activity and a log scope for every request
        // (~5% of a publish's allocations). Request failures are logged by Kestrel; start-up failures still end the
        // process with their exception.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<StartupBanner>();
        builder.AddSwitchboardCluster(cluster);
        builder.AddCentrifugo();
        var (connectionLimit, fewConnections) = OpenConnections.FromConfiguration(config);
        builder.Services.AddSingleton(sp => new OpenConnections(connectionLimit, sp.GetRequiredService<ILogger<OpenConnections>>()));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            // The cap first: a connection over it is closed before the WebSocket accept waits for its first bytes.
            listen.ApplicationServices.GetRequiredService<OpenConnections>().Guard(listen);
            DirectWebSocketAccept.AddTo(kestrel, listen);
        }));
        builder.AddConversations();
        builder.AddOperations();

        var app = builder.Build();
        app.Services.GetRequiredService<StartupBanner>().Warn(app.Logger, fewConnections);

        // Before anything reads the path: routing would match the dot-segment-free path, other readers the raw one.
        app.UseNormalFormTargets((context, reason) => RasaErrors.BadRequest(reason).ExecuteAsync(context));
        RequestBodyGuard.Use(app, config);
        app.MapCentrifugo();
        app.MapConversations();
        app.MapOperations();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var baseUrl = app.Urls.FirstOrDefault() ?? $"http://localhost:{DefaultPort}";
            Console.WriteLine(app.Services.GetRequiredService<StartupBanner>().Render(baseUrl));
        });
        return app;
    }
}
