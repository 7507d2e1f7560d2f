using System.Globalization;
using System.Net.WebSockets;
using Switchboard.Security;

namespace Switchboard.Benchmarks;

/// <summary>
/// A process of benchmark clients (each process may hold at most 20,000 open files here, so big runs use several),
/// over WebSocket (JSON or Protobuf) or HTTP-streaming. Every client connects with a token, subscribes, answers
/// pings, timestamps each publication it receives and counts the bytes.
/// The runner drives it over stdin: <c>reset</c>, <c>report</c> (prints counts and the latency histogram),
/// <c>total</c> (publications received since start, never reset, and the clients still connected: what a publisher
/// may be ahead of), <c>quit</c>.
/// </summary>
public static class WsClients
{
    /// <param name="channel">The channel every client subscribes to, or with <c>{i}</c> one channel per client.</param>
    /// <param name="protocol"><c>json</c> or <c>protobuf</c>.</param>
    /// <param name="transport"><c>websocket</c> or <c>http_stream</c>.</param>
    public static async Task Run(Uri url, int count, int firstIndex, string? channel, string protocol = "json", string transport = "websocket")
    {
        var state = new State();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        var clients = new List<Task>(count);
        var ready = 0;
        using var gate = new SemaphoreSlim(64);
        for (var i = 0; i < count; i++)
        {
            var index = firstIndex + i;
            await gate.WaitAsync();
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            clients.Add(Client(url, protocol, transport, http, index, channel?.Replace("{i}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), state, connected));
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
                case "total":
                    Console.WriteLine($"total {state.Total} live {count - state.Failed - state.ClosedCount}");
                    break;
                case "quit":
                    return;
            }
        }
    }

    private static async Task Client(Uri url, string protocol, string transport, HttpClient http, int index, string? channel, State state, TaskCompletionSource connected)
    {
        await using var connection = BenchConnection.Create(url, protocol, transport, http);
        try
        {
            var token = Hs256Jwt.Create(PublishBodies.Secret, new Dictionary<string, object> { ["sub"] = "u" + index.ToString(CultureInfo.InvariantCulture) });
            await connection.Open(token, channel);
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or HttpRequestException or IOException)
        {
            state.Fail(e);
            connected.TrySetResult();
            return;
        }

        connected.TrySetResult();
        try
        {
            await connection.Read(state.Received, state.Bytes);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
        {
        }

        // Before quit, only the server ends a connection: e.g. a client too slow for its queue (3008).
        state.Closed(connection.CloseCode);
    }

    private sealed class State
    {
        private readonly object gate = new();
        private LatencyHistogram histogram = new();
        private long received;
        private long total;
        private long bytes;
        private long reads;
        private int failed;
        private int closed;
        private string? firstError;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> closeCodes = new();

        public int Failed => failed;

        public long Total => Interlocked.Read(ref total);

        public int ClosedCount => Volatile.Read(ref closed);

        public void Fail(Exception e)
        {
            Interlocked.Increment(ref failed);
            Interlocked.CompareExchange(ref firstError, e.Message, null);
        }

        public void Received(double? latencyMs)
        {
            Interlocked.Increment(ref received);
            Interlocked.Increment(ref total);
            if (latencyMs is { } ms)
            {
                lock (gate)
                {
                    histogram.Add(ms);
                }
            }
        }

        /// <summary>One transport read (a WebSocket message, a chunk of the HTTP stream) of <paramref name="count"/> bytes.</summary>
        public void Bytes(long count)
        {
            Interlocked.Add(ref bytes, count);
            Interlocked.Increment(ref reads);
        }

        public void Closed(int? code)
        {
            Interlocked.Increment(ref closed);
            closeCodes.AddOrUpdate(code ?? 0, 1, (_, n) => n + 1);
        }

        public void Reset()
        {
            lock (gate)
            {
                histogram = new LatencyHistogram();
                Interlocked.Exchange(ref received, 0);
                Interlocked.Exchange(ref bytes, 0);
                Interlocked.Exchange(ref reads, 0);
            }
        }

        public string Report()
        {
            lock (gate)
            {
                return $"report received={Interlocked.Read(ref received)} bytes={Interlocked.Read(ref bytes)} reads={Interlocked.Read(ref reads)} closed={Volatile.Read(ref closed)} codes={string.Join(',', closeCodes.Select(c => $"{c.Key}:{c.Value}"))} failed={failed} error={firstError?.Replace(' ', '_')} hist={histogram.Serialize()}";
            }
        }
    }
}
