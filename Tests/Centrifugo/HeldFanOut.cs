using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Holds a gateway's fan-out pass where a slow pass would: a subscriber of a channel of its own whose delivery waits
/// until <see cref="Release"/>. Everything the node's stream brings meanwhile waits in the node's
/// <see cref="FanOutQueue"/> for the next pass, as publications do behind a 10,000-wide fan-out.
/// </summary>
internal sealed class HeldFanOut : ISubscriber, IAsyncDisposable
{
    private readonly GatewayNode node;
    private readonly string channel = "quiet:held-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ManualResetEventSlim entered = new();
    private readonly ManualResetEventSlim released = new();

    private HeldFanOut(GatewayHost gateway)
    {
        node = gateway.Services.GetRequiredService<GatewayNode>();
        Queue = gateway.Services.GetRequiredService<NodeService>().FanOut!;
    }

    public FanOutQueue Queue { get; }

    public string ClientId { get; } = Guid.NewGuid().ToString("N");

    public string User => "";

    /// <summary>Subscribes the holder and publishes to its channel; returns once a pass is stuck delivering that publication.</summary>
    public static async Task<HeldFanOut> Hold(GatewayHost gateway)
    {
        var held = new HeldFanOut(gateway);
        await held.node.Subscribe(held, held.channel, null);
        await gateway.Command("publish", new { channel = held.channel, data = new { hold = true } });
        await Eventually.Until(() => Task.FromResult(held.entered.IsSet), () => "the fan-out pass never reached the holder");
        return held;
    }

    public void Release() => released.Set();

    public async ValueTask DisposeAsync()
    {
        Release();
        await node.Unsubscribe(this, channel);
    }

    public void DeliverPublications(string channel, ReadOnlySpan<PublicationFrame> publications)
    {
        entered.Set();
        released.Wait(Eventually.DefaultTimeout);
    }

    public ClientInfo InfoFor(string channel) => new(ClientId, User, null, null);

    public void CheckPosition(string channel, StreamPosition top)
    {
    }

    public void Push(PushFrame frame)
    {
    }

    public Task ServerSubscribe(string channel) => Task.CompletedTask;

    public Task ServerUnsubscribe(string channel) => Task.CompletedTask;

    public void Close(Disconnect disconnect)
    {
    }
}
