using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

/// <summary>Publishes a conversation's bot messages to its real-time channel (<see cref="ConversationChannel"/>).</summary>
public sealed class ChannelOutput(GrainReferences grains, ILogger<ChannelOutput> logger)
{
    public async Task Publish(string conversationId, IReadOnlyList<JsonObject> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var channel = grains.Get<IChannelGrain>(ConversationChannel.For(conversationId));
        try
        {
            foreach (var message in messages)
            {
                var data = System.Text.Encoding.UTF8.GetBytes(message.ToJsonString());
                await channel.Publish(new Publication(Guid.NewGuid().ToString("N"), 0, data, null, null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ChannelSettings.Default);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Live delivery is best effort: the messages are in the tracker and in the HTTP answer.
            logger.LogWarning(e, "Publishing bot messages of a conversation to {Channel} failed", ConversationChannel.For(conversationId));
        }
    }
}
