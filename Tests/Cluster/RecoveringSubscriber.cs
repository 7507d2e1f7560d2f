using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// One WebSocket client of one channel that survives its gateway going away, as an SDK does: when the socket drops it
/// connects to another gateway and subscribes with <c>recover</c> from the last offset it saw. It keeps what it got
/// live, what each recovery returned and what came live after, to count what it never got.
/// </summary>
public sealed class RecoveringSubscriber : IAsyncDisposable
{
    private readonly HashSet<int> received = [];
    private readonly string epoch;
    private ProtocolClient client;
    private long offset;

    private RecoveringSubscriber(ProtocolClient client, GatewayProcess gateway, string channel, string epoch, long offset)
    {
        this.client = client;
        Gateway = gateway;
        Channel = channel;
        this.epoch = epoch;
        this.offset = offset;
    }

    public string Channel { get; }

    /// <summary>The gateway it is connected to now.</summary>
    public GatewayProcess Gateway { get; private set; }

    public int Reconnects { get; private set; }

    public int Recoveries { get; private set; }

    public bool Reconnected => Reconnects > 0;

    /// <summary>Every reconnect was answered with <c>recovered: true</c>.</summary>
    public bool Recovered => Reconnects > 0 && Recoveries == Reconnects;

    public int RecoveredPublications { get; private set; }

    public string? Error { get; private set; }

    public static async Task<RecoveringSubscriber> Start(GatewayProcess gateway, string channel)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("subscriber", secret: ClusterConfig.Secret));
        var reply = await client.Subscribe(channel);
        Assert.Equal(0, ProtocolClient.ErrorCode(reply));
        var result = reply.GetProperty("subscribe");
        return new RecoveringSubscriber(client, gateway, channel, result.GetProperty("epoch").GetString()!, result.TryGetProperty("offset", out var o) ? o.GetInt64() : 0);
    }

    /// <summary>Waits for the dropped socket, then subscribes on <paramref name="gateway"/> from the last offset it saw.</summary>
    public async Task Reconnect(GatewayProcess gateway)
    {
        try
        {
            // A gateway that stops gracefully closes its sockets; a killed one drops them. Either way: closed.
            await client.Closed.ContinueWith(_ => { }, TaskScheduler.Default);
            Take(client.Pushes().Select(p => p.GetProperty("pub")));
            await client.DisposeAsync();
            var (again, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("subscriber", secret: ClusterConfig.Secret));
            client = again;
            Gateway = gateway;
            Reconnects++;
            var reply = await again.Call("subscribe", new JsonObject { ["channel"] = Channel, ["recover"] = true, ["offset"] = offset, ["epoch"] = epoch });
            if (ProtocolClient.ErrorCode(reply) != 0)
            {
                Error = reply.ToString();
                return;
            }

            var result = reply.GetProperty("subscribe");
            if (result.TryGetProperty("recovered", out var r) && r.GetBoolean())
            {
                Recoveries++;
            }

            var publications = result.TryGetProperty("publications", out var p) ? p.EnumerateArray().ToArray() : [];
            RecoveredPublications += publications.Length;
            Take(publications);
        }
        catch (Exception e)
        {
            Error = $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>How many of <paramref name="acknowledged"/> this client never got (live pushes of the current socket included).</summary>
    public int Missing(int[] acknowledged)
    {
        lock (received)
        {
            var all = received.Concat(client.Pushes().Select(p => N(p.GetProperty("pub")))).ToHashSet();
            return acknowledged.Count(n => !all.Contains(n));
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private static int N(JsonElement publication) => publication.GetProperty("data").GetProperty("n").GetInt32();

    private void Take(IEnumerable<JsonElement> publications)
    {
        lock (received)
        {
            foreach (var publication in publications)
            {
                received.Add(N(publication));
                if (publication.TryGetProperty("offset", out var o))
                {
                    offset = Math.Max(offset, o.GetInt64());
                }
            }
        }
    }
}
