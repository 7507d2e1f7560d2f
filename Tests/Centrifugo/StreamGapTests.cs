using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Channels;
using Switchboard.Channels.History;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// A publication that reached history but never this node's stream (its memory-stream queue died with a silo) is
/// read back and delivered in its place: a connected subscriber sees every offset, in order.
/// </summary>
public sealed class StreamGapTests
{
    [Fact]
    public async Task APublicationLostOnTheNodeStreamIsReadBackFromHistoryAndDeliveredInOrder()
    {
        await using var gateway = await GatewayHost.StartAsync();
        const string channel = "chat:gap";
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("gap"));
        await using var connection = client;
        Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));

        await gateway.Command("publish", new { channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // Publication 2 goes into history the way the channel grain writes it, but no stream carries it here.
        var store = gateway.Services.GetRequiredService<IHistoryStore>();
        var settings = new ChannelSettings(10, 300, false, Presence: true, JoinLeave: true);
        await store.Append(channel, new Publication("lost", 0, Encoding.UTF8.GetBytes("""{"n":2}"""), null, null, 0), settings, hasSubscribers: true);

        await gateway.Command("publish", new { channel, data = new { n = 3 } });
        await client.WaitPush(p => N(p) == 3, "publication 3");
        var pushes = client.Pushes().Where(p => p.TryGetProperty("pub", out _)).Select(p => p.GetProperty("pub")).ToArray();
        Assert.Equal([1, 2, 3], pushes.Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
        Assert.Equal([1L, 2L, 3L], pushes.Select(p => p.GetProperty("offset").GetInt64()));
    }

    private static int N(System.Text.Json.JsonElement push) =>
        push.TryGetProperty("pub", out var pub) && pub.GetProperty("data").TryGetProperty("n", out var n) ? n.GetInt32() : 0;
}
