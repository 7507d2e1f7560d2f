using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Switchboard.Channels;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>
/// Idle collection after seconds instead of minutes (the channels' own age, <c>--channel-idle-seconds</c>, included),
/// to watch which channels it takes. The age stays above the
/// channel's sweep period (a third of <see cref="ChannelTimings.PresenceExpiry"/>), as the real default does.
/// </summary>
public sealed class ChannelLifetimeTests : IAsyncLifetime
{
    private SwitchboardTestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await SwitchboardTestCluster.StartAsync(
        silos: 2,
        configure: silo => silo.Services.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(1);
            o.CollectionAge = TimeSpan.FromSeconds(15);
            o.ClassSpecificCollectionAge[typeof(ChannelGrain).FullName!] = o.CollectionAge;
        }));

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AChannelWithSubscribersOutlivesIdleCollectionAndAnEmptyOneDoesNot()
    {
        var busy = cluster.Client.GetGrain<IChannelGrain>(Unique("busy"));
        var empty = cluster.Client.GetGrain<IChannelGrain>(Unique("empty"));
        await busy.Subscribe(Client("c1", "alice"), "node-1", null);
        await empty.Subscribe(Client("c2", "bob"), "node-1", null);
        await empty.Unsubscribe("c2", "node-1");

        // Both are left idle; the empty one, touched last, is collected first.
        await Eventually.Get(() => Task.FromResult(cluster.Cluster.TryGetGrainContext(empty.GetGrainId(), out _)), active => !active, what: "collection of the empty channel");

        Assert.True(cluster.Cluster.TryGetGrainContext(busy.GetGrainId(), out _), "the channel with a subscriber was collected");
        Assert.Equal(["c1"], (await busy.GetPresence()).Keys);
    }
}
