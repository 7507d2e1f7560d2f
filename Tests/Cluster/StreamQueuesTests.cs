using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// <c>--stream_queues</c> on every silo and gateway of a real cluster (Redis, 1 silo, 2 gateways as processes): what a
/// channel grain writes (a publication) and what a gateway writes itself (a user's disconnect, sent to the other
/// node's stream) both land in queues the silo pulls.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StreamQueuesTests
{
    [Fact]
    public async Task ThreeQueuesOnEveryProcessCarryPublicationsAndTheGatewaysOwnEvents()
    {
        using var config = new ClusterConfig();
        string[] queues = ["--stream_queues", "3"];
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1, Gateways = 2, GatewayArgs = [.. config.GatewayArgs, .. queues], SiloArgs = [.. config.SiloArgs, .. queues],
        });
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        await using var reader = await Connect(a, "reader");
        await using var victim = await Connect(a, "victim");
        Assert.Equal(0, ProtocolClient.ErrorCode(await reader.Subscribe("chat:queues")));

        using var api = new ClusterApi(b);
        await api.Command("publish", new { channel = "chat:queues", data = new { text = "through 3 queues" } });
        var push = await reader.WaitPush(p => p.GetProperty("channel").GetString() == "chat:queues", "the publication sent to B");
        Assert.Equal("through 3 queues", push.GetProperty("pub").GetProperty("data").GetProperty("text").GetString());

        await api.Command("disconnect", new { user = "victim" });
        Assert.Equal(3503, await victim.Closed);
    }

    private static async Task<ProtocolClient> Connect(GatewayProcess gateway, string user)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token(user, secret: ClusterConfig.Secret));
        return client;
    }
}
