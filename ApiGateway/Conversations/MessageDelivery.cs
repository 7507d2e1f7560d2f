using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Where a route's bot messages go (Rasa's <c>output_channel</c> query parameter): to the callback channel when it
/// is named (or is the latest input channel with <c>latest</c>), otherwise back in the answer, as Rasa's
/// collecting channel does.
/// </summary>
public static class MessageDelivery
{
    /// <summary>Sends the messages where they belong and returns those that go into the response.</summary>
    public static async Task<IReadOnlyList<OutgoingMessage>> Deliver(HttpRequest request, ConversationResult<TrackerState> result, CallbackChannel callback)
    {
        var requested = request.Query["output_channel"].ToString();
        if (requested == "latest")
        {
            requested = result.Value?.LatestInputChannel ?? "";
        }

        if (requested == CallbackChannel.Name && callback.Configured)
        {
            await callback.Send(result.Messages, request.HttpContext.RequestAborted);
            return [];
        }

        return result.Messages;
    }
}
