using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The node's channel subscriber sets: what fan-out reads after subscribes and unsubscribes, at fan-out width.</summary>
public sealed class ChannelHubTests
{
    [Fact]
    public void FanOutSeesEveryChangeAndTheLastUnsubscribeEmptiesTheChannel()
    {
        var hub = new ChannelHub();
        var subscribers = Enumerable.Range(0, 10_000).Select(i => new Connection($"c{i}")).ToList();
        foreach (var subscriber in subscribers)
        {
            hub.Subscribe("news", subscriber);
        }

        hub.Subscribe("news", subscribers[0]);
        var all = hub.Subscribers("news");
        Assert.Equal(10_000, all.Length);
        Assert.Same(all, hub.Subscribers("news"));
        Assert.Equal(10_000, hub.ChannelSizes()["news"]);

        Assert.False(hub.Unsubscribe("news", subscribers[0]));
        var after = hub.Subscribers("news");
        Assert.Equal(9_999, after.Length);
        Assert.DoesNotContain(subscribers[0], after);
        // A snapshot already handed to a fan-out stays as it was.
        Assert.Contains(subscribers[0], all);

        foreach (var subscriber in subscribers.Skip(1).SkipLast(1))
        {
            Assert.False(hub.Unsubscribe("news", subscriber));
        }

        Assert.Equal([subscribers[^1]], hub.Subscribers("news"));
        Assert.True(hub.Unsubscribe("news", subscribers[^1]));
        Assert.Empty(hub.Subscribers("news"));
        Assert.Equal(0, hub.ChannelCount);
        Assert.True(hub.Unsubscribe("news", subscribers[^1]));
    }

    [Fact]
    public void AUsersClientsAreFoundFromOneToSeveralAndBackToNone()
    {
        var hub = new ChannelHub();
        var (first, second, third, other) = (new Connection("c1", "ann"), new Connection("c2", "ann"), new Connection("c3", "ann"), new Connection("c4", "bob"));
        hub.AddClient(first);
        hub.AddClient(first);
        hub.AddClient(other);
        Assert.Equal([first], hub.ClientsOf("ann"));
        Assert.Equal(2, hub.UserCount);

        hub.AddClient(second);
        hub.AddClient(third);
        Assert.Equal(["c1", "c2", "c3"], hub.ClientsOf("ann").Select(c => c.ClientId).Order());
        Assert.Equal(2, hub.UserCount);
        Assert.Equal(4, hub.ClientCount);

        hub.RemoveClient(first);
        hub.RemoveClient(third);
        Assert.Equal([second], hub.ClientsOf("ann"));
        // A client the hub does not hold for that user removes nothing.
        hub.RemoveClient(new Connection("c5", "ann"));
        hub.RemoveClient(first);
        Assert.Equal([second], hub.ClientsOf("ann"));

        hub.AddClient(first);
        Assert.Equal(["c1", "c2"], hub.ClientsOf("ann").Select(c => c.ClientId).Order());
        hub.RemoveClient(second);
        hub.RemoveClient(first);
        Assert.Empty(hub.ClientsOf("ann"));
        Assert.Equal(1, hub.UserCount);
        Assert.Equal([other], hub.ClientsOf("bob"));
        Assert.True(hub.Contains(other));
        Assert.False(hub.Contains(first));
    }

    /// <summary>A connection as the hub keeps it: only its identity (and its user's) matters here.</summary>
    private sealed class Connection(string id, string user = "") : ISubscriber
    {
        public string ClientId => id;

        public string User => user;

        public ClientInfo InfoFor(string channel) => new(id, "", null, null);

        public void DeliverPublications(string channel, ReadOnlySpan<PublicationFrame> publications) => throw new NotSupportedException();

        public void CheckPosition(string channel, StreamPosition top) => throw new NotSupportedException();

        public void Push(PushFrame frame) => throw new NotSupportedException();

        public Task ServerSubscribe(string channel) => throw new NotSupportedException();

        public Task ServerUnsubscribe(string channel) => throw new NotSupportedException();

        public void Close(Disconnect disconnect) => throw new NotSupportedException();
    }
}
