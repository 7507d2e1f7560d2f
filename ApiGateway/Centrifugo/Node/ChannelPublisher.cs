using System.Runtime.CompilerServices;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Publishes into a channel with the options of its namespace: what the server API does, and what other
/// areas of the gateway (e.g. conversations sending bot replies) use to reach subscribers.
/// </summary>
public sealed class ChannelPublisher(GatewayNode node, ChannelRules rules)
{
    /// <param name="data">The payload as raw JSON.</param>
    /// <returns>The channel error, or <see cref="ChannelError.None"/> once history (if any) has the publication.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ChannelError> Publish(string channel, byte[] data, ClientInfo? info = null, string? client = null)
    {
        var resolution = rules.Resolve(channel);
        if (!resolution.Ok)
        {
            return resolution.Error;
        }

        await node.Publish(channel, GatewayNode.NewPublication(data, info, client), resolution.Options.ToSettings());
        return ChannelError.None;
    }
}
