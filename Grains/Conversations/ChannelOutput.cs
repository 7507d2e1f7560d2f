using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchboard.Channels;

namespace Switchboard.Conversations;

/// <summary>Publishes a conversation's bot messages to its real-time channel (<see cref="ConversationChannel"/>).</summary>
public sealed class ChannelOutput(ChannelPublisher publisher, ILogger<ChannelOutput> logger)
{
    public async Task Publish(string conversationId, IReadOnlyList<JsonObject> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var channel = ConversationChannel.For(conversationId);
        try
        {
            foreach (var message in messages)
            {
                await publisher.Publish(channel, System.Text.Encoding.UTF8.GetBytes(message.ToJsonString()));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Live delivery is best effort: the messages are in the tracker and in the HTTP answer.
            logger.LogWarning(e, "Publishing bot messages of a conversation to {Channel} failed", channel);
        }
    }
}
