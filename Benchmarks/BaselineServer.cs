using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Switchboard.Benchmarks;

/// <summary>
/// The bare-Kestrel baselines, in their own process like the gateway: <c>POST /api/</c> only parses the same
/// JSON (and broadcasts a publish to the sockets on its channel), any other POST only parses its JSON body, and <c>/connection/websocket</c> answers
/// connect/subscribe just enough for the same clients and holds the sockets.
/// </summary>
public static class BaselineServer
{
    private static readonly byte[] Reply = """{"body":{},"error":null,"method":"publish"}"""u8.ToArray();

    public static async Task Run(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseWebSockets();
        var channels = new ConcurrentDictionary<string, ConcurrentDictionary<Socket, byte>>();

        app.MapPost("/api/", async (HttpContext context) =>
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.GetProperty("params").TryGetProperty("channel", out var channel)
                && channels.TryGetValue(channel.GetString()!, out var sockets) && !sockets.IsEmpty)
            {
                var data = json.RootElement.GetProperty("params").GetProperty("data").GetRawText();
                var frame = Encoding.UTF8.GetBytes("{\"push\":{\"channel\":" + channel.GetRawText() + ",\"pub\":{\"data\":" + data + "}}}");
                await Task.WhenAll(sockets.Keys.Select(s => s.Send(frame)));
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Reply);
        });

        // The Rasa routes' baseline: parse the same body, answer an empty list.
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync("[]"u8.ToArray());
        });

        app.Map("/connection/websocket", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            var socket = new Socket(await context.WebSockets.AcceptWebSocketAsync());
            var buffer = new byte[4096];
            string? subscribed = null;
            try
            {
                while (true)
                {
                    var result = await socket.WebSocket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    using var command = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                    if (!command.RootElement.TryGetProperty("id", out var id))
                    {
                        continue;
                    }

                    if (command.RootElement.TryGetProperty("subscribe", out var subscribe))
                    {
                        subscribed = subscribe.GetProperty("channel").GetString()!;
                        channels.GetOrAdd(subscribed, _ => new()).TryAdd(socket, 0);
                        await socket.Send(Encoding.UTF8.GetBytes($$$"""{"id":{{{id.GetRawText()}}},"subscribe":{}}"""));
                    }
                    else
                    {
                        await socket.Send(Encoding.UTF8.GetBytes($$$"""{"id":{{{id.GetRawText()}}},"connect":{"client":"baseline"}}"""));
                    }
                }
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                if (subscribed is not null && channels.TryGetValue(subscribed, out var set))
                {
                    set.TryRemove(socket, out _);
                }
            }
        });

        Console.WriteLine("baseline ready");
        await app.RunAsync();
    }

    /// <summary>One socket; sends are serialized because concurrent broadcasts may target it at once.</summary>
    private sealed class Socket(WebSocket webSocket)
    {
        private readonly SemaphoreSlim sendLock = new(1, 1);

        public WebSocket WebSocket => webSocket;

        public async Task Send(byte[] frame)
        {
            await sendLock.WaitAsync();
            try
            {
                await webSocket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
            }
            finally
            {
                sendLock.Release();
            }
        }
    }
}
