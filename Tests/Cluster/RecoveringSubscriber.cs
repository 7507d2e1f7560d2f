using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// One WebSocket client of one channel that survives its gateway going away, as an SDK does: when the socket drops it
/// connects to another gateway and subscribes with <c>recover</c>; on "insufficient state" (the <c>unsubscribe</c> push
/// 2500) it resubscribes recovering, and on the disconnect 3010 it reconnects recovering. It recovers from the last
/// offset up to which it holds every publication, not the highest it saw. It keeps what it got live, what each
/// recovery returned and what came live after, to count what it never got.
/// </summary>
public sealed class RecoveringSubscriber : IAsyncDisposable
{
    private const int InsufficientStateUnsubscribe = 2500;
    private const int InsufficientStateDisconnect = 3010;

    private readonly HashSet<int> received = [];
    private readonly SortedSet<long> ahead = [];
    private readonly string epoch;
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task watching;
    private ProtocolClient client;
    private int handledPushes;

    /// <summary>Every publication up to this offset is held.</summary>
    private long offset;

    private RecoveringSubscriber(ProtocolClient client, GatewayProcess gateway, string channel, string epoch, long offset)
    {
        this.client = client;
        Gateway = gateway;
        Channel = channel;
        this.epoch = epoch;
        this.offset = offset;
        watching = Watch();
    }

    public string Channel { get; }

    /// <summary>The gateway it is connected to now.</summary>
    public GatewayProcess Gateway { get; private set; }

    public int Reconnects { get; private set; }

    public int Recoveries { get; private set; }

    /// <summary>Times the server said "insufficient state" (2500 or 3010).</summary>
    public int InsufficientStates { get; private set; }

    public bool Reconnected => Reconnects > 0;

    /// <summary>Every reconnect was answered with <c>recovered: true</c>.</summary>
    public bool Recovered => Reconnects > 0 && Recoveries == Reconnects;

    public int RecoveredPublications { get; private set; }

    public string? Error { get; private set; }

    public static async Task<RecoveringSubscriber> Start(GatewayProcess gateway, string channel)
    {
        var client = await Connect(gateway);
        var reply = await client.Subscribe(channel);
        Assert.Equal(0, ProtocolClient.ErrorCode(reply));
        var result = reply.GetProperty("subscribe");
        return new RecoveringSubscriber(client, gateway, channel, result.GetProperty("epoch").GetString()!, result.TryGetProperty("offset", out var o) ? o.GetInt64() : 0);
    }

    /// <summary>Waits for the dropped socket, then reconnects to <paramref name="gateway"/> and subscribes recovering.</summary>
    public async Task Reconnect(GatewayProcess gateway)
    {
        while (true)
        {
            // A gateway that stops gracefully closes its sockets; a killed one drops them. Either way: closed.
            var current = client;
            await current.Closed.ContinueWith(_ => { }, TaskScheduler.Default);
            await turn.WaitAsync();
            try
            {
                // Else the watcher reconnected meanwhile (3010): wait for that socket to drop.
                if (client == current)
                {
                    await ReconnectTo(gateway, counted: true);
                    return;
                }
            }
            finally
            {
                turn.Release();
            }
        }
    }

    /// <summary>How many of <paramref name="acknowledged"/> this client never got (live pushes of the current socket included).</summary>
    public int Missing(int[] acknowledged)
    {
        lock (received)
        {
            var all = received.Concat(client.Pushes().Where(p => p.TryGetProperty("pub", out _)).Select(p => N(p.GetProperty("pub")))).ToHashSet();
            return acknowledged.Count(n => !all.Contains(n));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await watching;
        await client.DisposeAsync();
        stopping.Dispose();
        turn.Dispose();
    }

    private static Task<ProtocolClient> Connect(GatewayProcess gateway) =>
        ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("subscriber", secret: ClusterConfig.Secret)).ContinueWith(t => t.Result.Client, TaskScheduler.Default);

    private static int N(JsonElement publication) => publication.GetProperty("data").GetProperty("n").GetInt32();

    /// <summary>Takes the socket's pushes in order, and answers insufficient state as the SDK does.</summary>
    private async Task Watch()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, stopping.Token);
                await turn.WaitAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (HandlePushes())
                {
                    InsufficientStates++;
                    await Subscribe();
                }
                else if (client.Closed.IsCompletedSuccessfully && client.Closed.Result == InsufficientStateDisconnect)
                {
                    InsufficientStates++;
                    await ReconnectTo(Gateway, counted: false);
                }
            }
            catch (Exception e)
            {
                Error = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                turn.Release();
            }
        }
    }

    /// <summary>Takes the publications pushed since the last call; true when the server unsubscribed with insufficient state.</summary>
    private bool HandlePushes()
    {
        var pushes = client.Pushes();
        var insufficient = false;
        for (; handledPushes < pushes.Count; handledPushes++)
        {
            var push = pushes[handledPushes];
            if (push.TryGetProperty("pub", out var publication))
            {
                Take([publication]);
            }
            else if (push.TryGetProperty("unsubscribe", out var unsubscribe) && unsubscribe.TryGetProperty("code", out var code) && code.GetInt32() == InsufficientStateUnsubscribe)
            {
                insufficient = true;
            }
        }

        return insufficient;
    }

    /// <summary>Under the turn: a new socket to <paramref name="gateway"/>, subscribed recovering.</summary>
    private async Task ReconnectTo(GatewayProcess gateway, bool counted)
    {
        try
        {
            HandlePushes();
            await client.DisposeAsync();
            client = await Connect(gateway);
            handledPushes = 0;
            Gateway = gateway;
            if (counted)
            {
                Reconnects++;
            }

            var recovered = await Subscribe();
            if (counted && recovered)
            {
                Recoveries++;
            }
        }
        catch (Exception e)
        {
            Error = $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Subscribes recovering from the last offset it holds everything up to; returns whether it recovered.</summary>
    private async Task<bool> Subscribe()
    {
        long from;
        lock (received)
        {
            from = offset;
        }

        var reply = await client.Call("subscribe", new JsonObject { ["channel"] = Channel, ["recover"] = true, ["offset"] = from, ["epoch"] = epoch });
        if (ProtocolClient.ErrorCode(reply) != 0)
        {
            Error = reply.ToString();
            return false;
        }

        var result = reply.GetProperty("subscribe");
        var publications = result.TryGetProperty("publications", out var p) ? p.EnumerateArray().ToArray() : [];
        RecoveredPublications += publications.Length;
        Take(publications);
        return result.TryGetProperty("recovered", out var r) && r.GetBoolean();
    }

    private void Take(IEnumerable<JsonElement> publications)
    {
        lock (received)
        {
            foreach (var publication in publications)
            {
                received.Add(N(publication));
                if (publication.TryGetProperty("offset", out var o) && o.GetInt64() > offset)
                {
                    ahead.Add(o.GetInt64());
                }
            }

            while (ahead.Remove(offset + 1))
            {
                offset++;
            }
        }
    }
}
