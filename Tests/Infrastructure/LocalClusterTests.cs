namespace Switchboard.Tests.Infrastructure;

[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class LocalClusterTests
{
    [Fact]
    public async Task TwoSilosAndTwoGatewaysComeUpOnLoopbackAndGoAway()
    {
        var cluster = await LocalCluster.StartAsync();
        await using (cluster)
        {
            Assert.Equal(2, cluster.Silos.Count);
            Assert.Equal(2, cluster.Gateways.Count);
            Assert.All(cluster.Silos, s => Assert.True(s.IsRunning, s.ToString()));

            // Both silos are active members in the Redis membership table.
            await using var redis = await cluster.Redis.ConnectAsync();
            var members = await ClusterMembership.ActiveSilosAsync(redis);
            Assert.Equal(cluster.Silos.Select(s => s.SiloPort).Order(), members.Order());

            using var http = new HttpClient();
            foreach (var gateway in cluster.Gateways)
            {
                using var response = await http.GetAsync(gateway.BaseUrl);
                Assert.True((int)response.StatusCode < 500, $"{gateway}: {response.StatusCode}\n{cluster.Describe()}");
            }
        }

        Assert.All(cluster.Silos, s => Assert.False(s.IsRunning));
        Assert.All(cluster.Gateways, g => Assert.False(g.IsRunning));
    }
}
