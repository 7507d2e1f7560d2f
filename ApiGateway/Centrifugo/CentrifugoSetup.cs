using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Hosting;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo;

/// <summary>Real-time channels: the Centrifugo server API (<c>/api/</c>) and the client transports (WebSocket, HTTP-streaming, SSE).</summary>
public static class CentrifugoSetup
{
    public static WebApplicationBuilder AddCentrifugo(this WebApplicationBuilder builder)
    {
        var options = CentrifugoOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ChannelRules>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<GatewayNode>();
        services.AddSingleton<NodeService>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeService>());
        services.AddSingleton<ChannelPublisher>();
        services.AddSingleton<ApiExecutor>();
        services.AddSingleton<RpcHandlers>();
        services.AddSingleton<EmulationRouter>();
        if (ClusterSettings.From(builder.Configuration).UsesRedis)
        {
            services.AddHostedService<RedisApiConsumer>();
        }

        return builder;
    }

    public static WebApplication MapCentrifugo(this WebApplication app)
    {
        // Only where sockets are accepted: the middleware otherwise adds a handshake feature to every request.
        app.UseWhen(context => context.Request.Path.StartsWithSegments(WebSocketEndpoint.Path), branch => branch.UseWebSockets());
        ApiEndpoint.Map(app);
        WebSocketEndpoint.Map(app);
        HttpStreamEndpoint.Map(app);
        EmulationEndpoint.Map(app);
        AddBanner(app.Services.GetRequiredService<StartupBanner>(), app.Services.GetRequiredService<CentrifugoOptions>());
        return app;
    }

    private static void AddBanner(StartupBanner banner, CentrifugoOptions options)
    {
        banner.Add("Centrifugo API:        POST {base}/api/" + (options.ApiInsecure ? "  (INSECURE: no X-API-Sign needed)" : "  (signed: X-API-Sign)"));
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
