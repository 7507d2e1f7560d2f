using System.Net.WebSockets;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// A raw client of the Protobuf protocol (subprotocol <c>centrifuge-protobuf</c>): sends delimited commands or any
/// bytes it is given, and records replies, pushes (pings included) and the close code.
/// </summary>
public sealed class ProtobufClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket socket = new();
    private readonly List<Reply> received = [];
    private readonly TaskCompletionSource<int> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? receiver;

    /// <summary>Answer server pings (empty replies) with an empty command.</summary>
    public bool AutoPong { get; set; } = true;

    public int Pings { get; private set; }

    public Task<int> Closed => closed.Task.WaitAsync(Timeout);

    public static async Task<ProtobufClient> Open(Uri url, string subprotocol = "centrifuge-protobuf")
    {
        var client = new ProtobufClient();
        client.socket.Options.AddSubProtocol(subprotocol);
        await client.socket.ConnectAsync(url, CancellationToken.None);
        client.receiver = client.Receive();
        return client;
    }

    public string? Subprotocol => socket.SubProtocol;

    public Task SendBytes(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Binary) =>
        socket.SendAsync(bytes, type, true, CancellationToken.None);

    public Task Send(params Command[] commands)
    {
        using var stream = new MemoryStream();
        foreach (var command in commands)
        {
            command.WriteDelimitedTo(stream);
        }

        return SendBytes(stream.ToArray());
    }

    /// <summary>Sends <paramref name="command"/> and waits for the reply with its id.</summary>
    public async Task<Reply> Call(Command command)
    {
        await Send(command);
        return await Wait(r => r.Id == command.Id, $"reply {command.Id}");
    }

    public async Task<Reply> Wait(Func<Reply, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (received)
            {
                if (received.FirstOrDefault(match) is { } reply)
                {
                    return reply;
                }
            }

            if (closed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"closed ({closed.Task.Result}) while waiting for {what}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("nothing matched: " + what);
    }

    public async ValueTask DisposeAsync()
    {
        socket.Abort();
        if (receiver is not null)
        {
            await receiver;
        }

        socket.Dispose();
    }

    private async Task Receive()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closed.TrySetResult((int)(socket.CloseStatus ?? 0));
                    return;
                }

                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                using var stream = new MemoryStream(buffer, 0, count);
                while (stream.Position < stream.Length)
                {
                    var reply = Reply.Parser.ParseDelimitedFrom(stream);
                    if (reply.Id == 0 && reply.Push is null)
                    {
                        Pings++;
                        if (AutoPong)
                        {
                            await Send(new Command());
                        }

                        continue;
                    }

                    lock (received)
                    {
                        received.Add(reply);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            closed.TrySetResult((int)(socket.CloseStatus ?? 0));
        }
    }
}
