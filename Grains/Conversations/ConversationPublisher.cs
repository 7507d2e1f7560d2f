using Microsoft.Extensions.Logging;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

/// <summary>Publishes a conversation's bot messages to its real-time channel (<see cref="ConversationChannel"/>).</summary>
public sealed class ConversationPublisher(GrainReferences grains, ILogger<ConversationPublisher> logger)
{
    public async Task Publish(string conversationId, IReadOnlyList<OutgoingMessage> messages)
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
                var data = EventWriter.ToUtf8(w => EventWriter.WriteMessage(w, message));
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
