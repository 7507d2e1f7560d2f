using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.ApiGateway.Centrifugo.Api.Grpc;
using Switchboard.ApiGateway.Centrifugo.Api.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Channels;
using Switchboard.Hosting;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo;

/// <summary>Real-time channels: the Centrifugo server APIs (<c>/api</c>, <c>/api/</c>, <c>/api/&lt;method&gt;</c>, gRPC) and the client transports (WebSocket, HTTP-streaming, SSE).</summary>
public static class CentrifugoSetup
{
    public static WebApplicationBuilder AddCentrifugo(this WebApplicationBuilder builder)
    {
        var options = CentrifugoOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ChannelRules>();
        services.AddSingleton<NodeMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ExpiryWheel>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpiryWheel>());
        services.AddSingleton<GatewayNode>();
        services.AddSingleton<NodeService>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeService>());
        services.TryAddSingleton<ChannelPublisher>();
        services.AddSingleton<ServerApi>();
        services.AddSingleton<ApiExecutor>();
        services.AddSingleton<JsonApi>();
        services.AddSingleton<RpcHandlers>();
        services.AddSingleton<EmulationRouter>();
        services.AddSingleton<WebSocketSessions>();
        services.AddSingleton<DirectWebSocketAccept>();
        if (options.GrpcApi)
        {
            services.AddSingleton<GrpcApiListener>();
            services.AddHostedService(sp => sp.GetRequiredService<GrpcApiListener>());
        }

        if (ClusterSettings.From(builder.Configuration).UsesRedis)
        {
            // The embedded silo reads this process's configuration: only separate silos can differ.
            services.AddHostedService<ChannelOptionsCheck>();
            services.AddHostedService<RedisApiConsumer>();
        }

        return builder;
    }

    public static WebApplication MapCentrifugo(this WebApplication app)
    {
        // Only where sockets are accepted: the middleware otherwise adds a handshake feature to every request. No
        // WebSocket-level keep-alive: it is a timer per socket, and sessions ping in the protocol on the node's wheel.
        // The upgrade goes through a ConnectionOutput where it can, so that data frames skip the WebSocket's send.
        app.UseWhen(context => context.Request.Path.StartsWithSegments(WebSocketEndpoint.Path),
            branch => branch.Use(ConnectionOutput.Install).UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }));
        ServerApiRoutes.Map(app);
        WebSocketEndpoint.Map(app);
        HttpStreamEndpoint.Map(app);
        EmulationEndpoint.Map(app);
        AddBanner(app.Services.GetRequiredService<StartupBanner>(), app.Services.GetRequiredService<CentrifugoOptions>(), app.Logger);
        return app;
    }

    private static void AddBanner(StartupBanner banner, CentrifugoOptions options, ILogger logger)
    {
        if (options.ApiKeyGenerated)
        {
            banner.Add($"Generated API key (set --api_key to keep one): {options.ApiKey}");
        }

        banner.Warn(logger, options.SecretGenerated ? null : WeakSecrets.HmacKey("--secret", options.Secret));
        banner.Warn(logger, options.ApiKeyGenerated ? null : WeakSecrets.Guessable("--api_key", options.ApiKey));

        banner.Add("Centrifugo API v1:     POST {base}/api/" + (options.ApiInsecure ? "  (INSECURE: no X-API-Sign needed)" : "  (signed: X-API-Sign)"));
        banner.Add("Centrifugo API v2-v6:  POST {base}/api, POST {base}/api/<method>" + (options.ApiInsecure ? "  (INSECURE: no API key needed)" : "  (X-API-Key or Authorization: apikey <key>)"));
        if (options.GrpcApi)
        {
            banner.Add($"Centrifugo gRPC API:   port {options.GrpcApiPort} (HTTP/2, h2c)" + (options.ApiInsecure ? "  (INSECURE: no API key needed)" : "  (metadata authorization: apikey <key>)"));
        }

        banner.Add("Centrifugo WebSocket:  {base}" + WebSocketEndpoint.Path + "  (ws:// scheme; JSON or centrifuge-protobuf)" + (options.ClientInsecure ? "  (INSECURE: anonymous clients allowed)" : ""));
        banner.Add("Centrifugo HTTP-streaming / SSE:  {base}" + HttpStreamEndpoint.HttpStreamPath + ", {base}" + HttpStreamEndpoint.SsePath + "  (commands: POST {base}" + EmulationEndpoint.Path + ")");
        if (!options.SecretGenerated)
        {
            return;
        }

        const string body = """{"method":"publish","params":{"channel":"news","data":{"text":"hello"}}}""";
        var sign = ApiSignature.Sign(options.Secret, System.Text.Encoding.UTF8.GetBytes(body));
        banner.Add($"Generated secret (set --secret to keep one): {options.Secret}");
        banner.Add($"Try a publish:  curl -X POST {{base}}/api/ -H 'X-API-Sign: {sign}' -d '{body}'");
        banner.Add($"Connection token for user \"demo\": {Hs256Jwt.Create(options.Secret, new Dictionary<string, object> { ["sub"] = "demo" })}");
    }
}
