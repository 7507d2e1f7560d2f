using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Hosting;

namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc;

/// <summary>
/// The gRPC server API (<c>--grpc_api</c>) on a port of its own (<c>grpc_api_port</c>, HTTP/2 without TLS, on the
/// gateway's <c>address</c>): a Kestrel listener apart from the gateway's, so that its HTTP/1 port keeps its settings.
/// It serves the gateway's own <see cref="ServerApi"/>.
/// </summary>
public sealed class GrpcApiListener(CentrifugoOptions options, ServerApi api, NodeMetrics metrics, OpenConnections connections, IConfiguration config, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>Where it listens once started (tests ask for port 0).</summary>
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var address = config["address"] ?? "localhost";
        builder.WebHost.UseUrls($"http://{address}:{options.GrpcApiPort.ToString(CultureInfo.InvariantCulture)}");
        // Its connections count against the gateway's cap: they take descriptors of the same process.
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e =>
        {
            e.Protocols = HttpProtocols.Http2;
            connections.Guard(e);
        }));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(api);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(options);
        // A message as large as an HTTP generation's body, not gRPC's 4 MB.
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = options.ApiMaxBodySize);
        app = builder.Build();
        GrpcApiKey.Require(app, options.ApiKey, options.ApiInsecure);
        // After the key: a call without it is refused from its headers and never reads (or times) a body.
        RequestBodyGuard.Use(app, config);
        app.MapGrpcService<CentrifugoApiService>();
        await app.StartAsync(cancellationToken);
        Url = new Uri(app.Urls.First());
    }

    public Task StopAsync(CancellationToken cancellationToken) => app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => app?.DisposeAsync() ?? ValueTask.CompletedTask;
}
