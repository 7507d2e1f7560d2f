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

    /// <summary>A connection as the hub keeps it: only its identity matters here.</summary>
    private sealed class Connection(string id) : ISubscriber
    {
        public string ClientId => id;

        public string User => "";

        public ClientInfo InfoFor(string channel) => new(id, "", null, null);

        public void DeliverPublications(string channel, ReadOnlySpan<PublicationFrame> publications) => throw new NotSupportedException();

        public void CheckPosition(string channel, StreamPosition top) => throw new NotSupportedException();

        public void Push(PushFrame frame) => throw new NotSupportedException();

        public Task ServerSubscribe(string channel) => throw new NotSupportedException();

        public Task ServerUnsubscribe(string channel) => throw new NotSupportedException();

        public void Close(Disconnect disconnect) => throw new NotSupportedException();
    }
}
