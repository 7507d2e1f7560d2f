using Microsoft.Extensions.Logging;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

/// <summary>Publishes a conversation's bot messages to its real-time channel (<see cref="ConversationChannel"/>).</summary>
public sealed class ConversationPublisher(ChannelPublisher publisher, ILogger<ConversationPublisher> logger)
{
    public async Task Publish(string conversationId, IReadOnlyList<OutgoingMessage> messages)
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
                await publisher.Publish(channel, EventWriter.ToUtf8(w => EventWriter.WriteMessage(w, message)));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Live delivery is best effort: the messages are in the tracker and in the HTTP answer.
            logger.LogWarning(e, "Publishing bot messages of a conversation to {Channel} failed", OperatorLogging.Untrusted(channel));
        }
    }
}
