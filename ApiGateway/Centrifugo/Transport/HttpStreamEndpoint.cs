using Microsoft.AspNetCore.Http.Features;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Rpc;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// Emulated bidirectional connections for networks that block WebSocket (centrifuge-js 5.x transports
/// <c>http_stream</c> and <c>sse</c>): the connect command opens a streaming response that carries replies and
/// pushes; later commands go to <see cref="EmulationEndpoint"/> with the session id and node from the connect reply.
/// </summary>
public static class HttpStreamEndpoint
{
    public const string HttpStreamPath = "/connection/http_stream";
    public const string SsePath = "/connection/sse";

    /// <summary>The SSE connect command travels in this query parameter (an EventSource cannot post).</summary>
    public const string SseConnectParameter = "cf_connect";

    public static void Map(WebApplication app)
    {
        // allowed_origins as on the WebSocket; the SSE GET is a simple request that no browser preflights.
        var origins = app.Services.GetRequiredService<CentrifugoOptions>().AllowedOrigins;
        app.MapPost(HttpStreamPath, (HttpContext context, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
            Stream(context, sse: false, node, rules, rpc, lifetime, loggers.CreateLogger<ClientSession>())).RequireAllowedOrigin(origins);
        BrowserOrigin.MapPreflight(app, HttpStreamPath, origins);
        app.MapGet(SsePath, (HttpContext context, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
            Stream(context, sse: true, node, rules, rpc, lifetime, loggers.CreateLogger<ClientSession>())).RequireAllowedOrigin(origins);
    }

    private static async Task<IResult> Stream(HttpContext context, bool sse, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILogger logger)
    {
        var options = rules.Options;
        var binary = !sse && context.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true;
        byte[]? connect;
        if (sse)
        {
            var parameter = context.Request.Query[SseConnectParameter].ToString();
            connect = parameter.Length is > 0 && System.Text.Encoding.UTF8.GetByteCount(parameter) <= options.ClientRequestMaxSize ? System.Text.Encoding.UTF8.GetBytes(parameter) : null;
        }
        else
        {
            connect = await BoundedBody.Read(context.Request, options.ClientRequestMaxSize, context.RequestAborted);
        }

        if (connect is not { Length: > 0 })
        {
            return Results.BadRequest($"The connect command, at most {options.ClientRequestMaxSize} bytes, is the {(sse ? SseConnectParameter + " parameter" : "body")}.");
        }

        if (await SessionLifetime.WaitForNode(node, context.RequestAborted) is { } notReady)
        {
            return notReady;
        }

        var response = context.Response;
        response.ContentType = sse ? "text/event-stream" : binary ? "application/octet-stream" : "application/json";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);

        var id = EmulatedSessions.NewId();
        var transport = new HttpStreamTransport(context, sse, binary, options.ClientQueueMaxSize, options.ClientWriteDelay, node.Metrics);
        var session = new ClientSession(node, rules, rpc, transport, binary, logger, id);
        node.Emulated.Add(id, session);
        try
        {
            await SessionLifetime.Run(session, transport, (Node: node, Id: id, Connect: connect), static async (reader, open) =>
            {
                await reader.Node.Emulated.Deliver(reader.Id, reader.Connect);
                // The client's half arrives through the emulation endpoint; this half ends when the client goes.
                await Task.Delay(Timeout.Infinite, open).ContinueWith(static _ => { }, TaskScheduler.Default);
            }, lifetime, context.RequestAborted);
        }
        finally
        {
            node.Emulated.Remove(id);
        }

        return Results.Empty;
    }
}
