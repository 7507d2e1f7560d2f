using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>
/// Redis, 2 silos and 2 gateways as real processes, the Rasa API on with a token and the test domain loaded, client
/// tokens signed with <see cref="GatewayHost.Secret"/>.
/// </summary>
public sealed class ConversationClusterFixture : IAsyncLifetime
{
    public const string Token = "cluster-token";

    public LocalCluster Cluster { get; private set; } = null!;

    public HttpClient[] Gateways { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            GatewayArgs = ["--enable-api", "--auth-token", Token, "-m", TestDomain.Write(), "--secret", GatewayHost.Secret],
        });
        Gateways = Cluster.Gateways.Select(g => new HttpClient { BaseAddress = g.BaseUrl, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        foreach (var gateway in Gateways)
        {
            await Eventually.Until(async () => (await gateway.GetAsync($"/status?token={Token}")).StatusCode == HttpStatusCode.OK, Cluster.Describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in Gateways)
        {
            gateway.Dispose();
        }

        await Cluster.DisposeAsync();
    }
}
