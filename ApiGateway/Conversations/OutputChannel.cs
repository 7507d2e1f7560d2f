using System.Text.Json.Nodes;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Where a route's bot messages go (<c>output_channel</c>): to the callback channel when it is named (or is the
/// latest input channel with <c>latest</c>), otherwise back in the answer, as Rasa's collecting channel does.
/// </summary>
public static class OutputChannel
{
    /// <summary>Sends the messages where they belong and returns those that go into the response.</summary>
    public static async Task<JsonArray> Deliver(HttpRequest request, TrackerReply reply, CallbackChannel callback)
    {
        var requested = request.Query["output_channel"].ToString();
        if (requested == "latest" && reply.Body is { Length: > 0 } body)
        {
            requested = (string?)JsonNode.Parse(body)?["latest_input_channel"] ?? "";
        }

        if (requested == CallbackChannel.Name && callback.Configured)
        {
            await callback.Send(reply.Messages, request.HttpContext.RequestAborted);
            return [];
        }

        return new JsonArray(reply.Messages.Select(m => JsonNode.Parse(m)).ToArray());
    }
}
