using System.Buffers.Text;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Switchboard.Security;

namespace Switchboard.Benchmarks;

/// <summary>
/// A process of WebSocket clients (each process may hold at most 20,000 open files here, so big runs use several).
/// Every client connects with a token, subscribes, answers pings and timestamps each publication it receives.
/// The runner drives it over stdin: <c>reset</c>, <c>report</c> (prints counts and the latency histogram), <c>quit</c>.
/// </summary>
public static class WsClients
{
    /// <param name="channel">The channel every client subscribes to, or with <c>{i}</c> one channel per client.</param>
    public static async Task Run(Uri url, int count, int firstIndex, string? channel)
    {
        var state = new State();
        var clients = new List<Task>(count);
        var ready = 0;
        using var gate = new SemaphoreSlim(64);
        for (var i = 0; i < count; i++)
        {
            var index = firstIndex + i;
            await gate.WaitAsync();
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            clients.Add(Client(url, index, channel?.Replace("{i}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), state, connected));
            _ = connected.Task.ContinueWith(_ =>
            {
                gate.Release();
                Interlocked.Increment(ref ready);
            }, TaskScheduler.Default);
        }

        while (Volatile.Read(ref ready) < count)
        {
            await Task.Delay(50);
        }

        Console.WriteLine($"ready {count} failed {state.Failed}");
        while (Console.ReadLine() is { } line)
        {
            switch (line.Trim())
            {
                case "reset":
                    state.Reset();
                    Console.WriteLine("reset");
                    break;
                case "report":
                    Console.WriteLine(state.Report());
                    break;
                case "quit":
                    return;
            }
        }
    }

    private static async Task Client(Uri url, int index, string? channel, State state, TaskCompletionSource connected)
    {
        using var socket = new ClientWebSocket();
        var buffer = new byte[64 * 1024];
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            var token = Hs256Jwt.Create(PublishBodies.Secret, new Dictionary<string, object> { ["sub"] = "u" + index.ToString(CultureInfo.InvariantCulture) });
            await Send(socket, $$$"""{"id":1,"connect":{"token":"{{{token}}}"}}""");
            await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (channel is not null)
            {
                await Send(socket, $$$"""{"id":2,"subscribe":{"channel":"{{{channel}}}"}}""");
                var reply = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (Encoding.UTF8.GetString(buffer, 0, reply.Count).Contains("\"error\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("subscribe refused: " + Encoding.UTF8.GetString(buffer, 0, reply.Count));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException)
        {
            state.Fail(e);
            connected.TrySetResult();
            return;
        }

        connected.TrySetResult();
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (Process(buffer.AsSpan(0, count), DateTime.UtcNow.Ticks, state))
                {
                    await Send(socket, "{}");
                }
            }
        }
        catch (WebSocketException)
        {
        }
    }

    /// <summary>Counts and timestamps the publications in a frame (newline-separated); true when it is a ping.</summary>
    private static bool Process(ReadOnlySpan<byte> frame, long now, State state)
    {
        if (frame.SequenceEqual("{}"u8))
        {
            return true;
        }

        foreach (var range in frame.Split((byte)'\n'))
        {
            var line = frame[range];
            var ts = line.IndexOf("\"ts\":"u8);
            if (ts >= 0 && Utf8Parser.TryParse(line[(ts + 5)..], out long sent, out _))
            {
                state.Received((now - sent) / (double)TimeSpan.TicksPerMillisecond);
            }
            else if (line.IndexOf("\"pub\""u8) >= 0)
            {
                state.Received(null);
            }
        }

        return false;
    }

    private static Task Send(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private sealed class State
    {
        private readonly object gate = new();
        private LatencyHistogram histogram = new();
        private long received;
        private int failed;
        private string? firstError;

        public int Failed => failed;

        public void Fail(Exception e)
        {
            Interlocked.Increment(ref failed);
            Interlocked.CompareExchange(ref firstError, e.Message, null);
        }

        public void Received(double? latencyMs)
        {
            Interlocked.Increment(ref received);
            if (latencyMs is { } ms)
            {
                lock (gate)
                {
                    histogram.Add(ms);
                }
            }
        }

        public void Reset()
        {
            lock (gate)
            {
                histogram = new LatencyHistogram();
                Interlocked.Exchange(ref received, 0);
            }
        }

        public string Report()
        {
            lock (gate)
            {
                return $"report received={Interlocked.Read(ref received)} failed={failed} error={firstError?.Replace(' ', '_')} hist={histogram.Serialize()}";
            }
        }
    }
}
