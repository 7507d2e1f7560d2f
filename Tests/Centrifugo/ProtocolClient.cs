using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// A raw client of the JSON protocol on <see cref="ClientWebSocket"/>, for the cases the SDK would never
/// send: it sends whatever it is given and records every reply, push and the close code.
/// </summary>
public sealed class ProtocolClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<JsonElement>> replies = new();
    private readonly List<JsonElement> pushes = [];
    private readonly TaskCompletionSource<int> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private uint nextId;
    private Task? receiver;

    /// <summary>Answer server pings with <c>{}</c> (on by default).</summary>
    public bool AutoPong { get; set; } = true;

    public int Pings { get; private set; }

    public static async Task<ProtocolClient> Open(Uri url)
    {
        var client = new ProtocolClient();
        await client.socket.ConnectAsync(url, CancellationToken.None);
        client.receiver = client.Receive();
        return client;
    }

    /// <summary>Connects with <paramref name="token"/> and returns the connect result.</summary>
    public static async Task<(ProtocolClient Client, JsonElement Result)> Connect(Uri url, string? token)
    {
        var client = await Open(url);
        var reply = await client.Call("connect", token is null ? new JsonObject() : new JsonObject { ["token"] = token });
        Assert.False(reply.TryGetProperty("error", out var error), $"connect failed: {error}");
        return (client, reply.GetProperty("connect"));
    }

    public async Task SendText(string text) => await Send(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task Send(byte[] bytes, WebSocketMessageType type)
    {
        await sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, type, true, CancellationToken.None);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>Sends <c>{"id":N,method:request}</c> and waits for the reply with that id.</summary>
    public async Task<JsonElement> Call(string method, JsonNode request)
    {
        var id = Interlocked.Increment(ref nextId);
        var pending = replies.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        await SendText(new JsonObject { ["id"] = id, [method] = request }.ToJsonString());
        return await pending.Task.WaitAsync(Timeout);
    }

    /// <summary>Sends several commands in one frame, newline-separated, and waits for all replies.</summary>
    public async Task<JsonElement[]> CallBatch(string method, IEnumerable<JsonNode> requests)
    {
        var ids = new List<uint>();
        var lines = new List<string>();
        foreach (var request in requests)
        {
            var id = Interlocked.Increment(ref nextId);
            replies.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
            ids.Add(id);
            lines.Add(new JsonObject { ["id"] = id, [method] = request }.ToJsonString());
        }

        await SendText(string.Join('\n', lines));
        return await Task.WhenAll(ids.Select(id => replies[id].Task.WaitAsync(Timeout)));
    }

    public async Task<JsonElement> Subscribe(string channel, string? token = null)
    {
        var request = new JsonObject { ["channel"] = channel };
        if (token is not null)
        {
            request["token"] = token;
        }

        return await Call("subscribe", request);
    }

    /// <summary>Waits for a push matching <paramref name="match"/> (kept pushes included).</summary>
    public async Task<JsonElement> WaitPush(Func<JsonElement, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (pushes)
            {
                foreach (var push in pushes)
                {
                    if (match(push))
                    {
                        return push;
                    }
                }
            }

            if (closed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"closed ({closed.Task.Result}) while waiting for {what}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no push: {what}; got {string.Join(" | ", Pushes())}");
    }

    public IReadOnlyList<JsonElement> Pushes()
    {
        lock (pushes)
        {
            return [.. pushes];
        }
    }

    /// <summary>The WebSocket close code the server sent.</summary>
    public Task<int> Closed => closed.Task.WaitAsync(Timeout);

    public static int ErrorCode(JsonElement reply) =>
        reply.TryGetProperty("error", out var error) ? error.GetProperty("code").GetInt32() : 0;

    /// <summary>Drops the connection without a close frame, as a client whose network went away.</summary>
    public void Abort() => socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        socket.Abort();
        if (receiver is not null)
        {
            await receiver;
        }

        socket.Dispose();
        sendLock.Dispose();
    }

    private async Task Receive()
    {
        // Starts small and grows with the largest frame, so thousands of clients fit in one test process.
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closed.TrySetResult((int)(socket.CloseStatus ?? 0));
                    return;
                }

                foreach (var line in Encoding.UTF8.GetString(buffer, 0, count).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    await Dispatch(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            closed.TrySetResult((int)(socket.CloseStatus ?? 0));
        }
    }

    private async Task Dispatch(JsonElement frame)
    {
        if (frame.TryGetProperty("id", out var idElement) && idElement.GetUInt32() is var id && id > 0)
        {
            replies.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(frame);
        }
        else if (frame.TryGetProperty("push", out var push))
        {
            lock (pushes)
            {
                pushes.Add(push);
            }
        }
        else
        {
            Pings++;
            if (AutoPong)
            {
                await SendText("{}");
            }
        }
    }
}
