using System.Net.WebSockets;
using System.Text;
using System.Text.Unicode;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// A connected client sends each input as one WebSocket message, then a ping: the server must answer the ping or close
/// with a protocol code. An internal error reply (100), a close without a reason (1011, 3000 from the server) or a
/// dropped connection is a failure. A message that is not UTF-8 is refused by .NET's WebSocket layer, which sends 1007
/// and drops the connection at once: its close frame can be lost to the reset, so there a drop counts as the refusal.
/// </summary>
public sealed class WebSocketTarget(HostileGateway gateway, string token) : IFuzzTarget
{
    private const uint ProbeId = 4_000_000_000;

    public async Task<string?> Try(byte[] input)
    {
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var text = Utf8.IsValid(input);
        try
        {
            await socket.ConnectAsync(gateway.WebSocketUrl, timeout.Token);
            await Send(socket, Encoding.UTF8.GetBytes("{\"id\":1,\"connect\":{\"token\":\"" + token + "\"}}"), timeout.Token);
            await socket.SendAsync(input, WebSocketMessageType.Text, true, timeout.Token);
            await Send(socket, Encoding.UTF8.GetBytes("{\"id\":" + ProbeId + ",\"ping\":{}}"), timeout.Token);
            while (true)
            {
                var (message, closed) = await Receive(socket, timeout.Token);
                if (closed)
                {
                    var code = (int)(socket.CloseStatus ?? 0);
                    return code is 1011 or 3000 or 3004 || (!text && code is not (1007 or 1009)) ? $"closed with {code} {socket.CloseStatusDescription}" : null;
                }

                if (message.Contains("\"code\":100,", StringComparison.Ordinal))
                {
                    return "internal error reply: " + message;
                }

                if (message.Contains("\"id\":" + ProbeId, StringComparison.Ordinal))
                {
                    return null;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            return gateway.Process.HasExited ? "the process died" : text ? "dropped: " + ex.Message : null;
        }
    }

    private static Task Send(ClientWebSocket socket, byte[] bytes, CancellationToken cancel) =>
        socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancel);

    private static async Task<(string Message, bool Closed)> Receive(ClientWebSocket socket, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(chunk, cancel);
            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (Encoding.UTF8.GetString(buffer.ToArray()), result.MessageType == WebSocketMessageType.Close);
    }
}
