using System.Text.Json.Nodes;
using Switchboard.Conversations;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Rasa's public channels (not behind the API auth): the REST channel answers the bot's messages in the
/// response; the callback channel answers <c>success</c> and posts them to the callback URL.
/// </summary>
public static class WebhookEndpoints
{
    private const string DefaultSender = "default";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/webhooks/rest/", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        app.MapPost("/webhooks/rest/webhook", async (HttpRequest request, ModelState models, GrainReferences grains, RasaLimits limits) =>
        {
            var (message, error) = await ReadMessage(request, "rest", limits);
            if (error is not null)
            {
                return error;
            }

            var reply = await Handle(models, grains, message!.Value);
            return reply is null ? Results.Json(new JsonArray()) : Results.Text("[" + string.Join(",", reply.Messages) + "]", "application/json");
        });

        app.MapGet("/webhooks/callback/", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        app.MapPost("/webhooks/callback/webhook", async (HttpRequest request, ModelState models, GrainReferences grains, CallbackChannel callback, RasaLimits limits) =>
        {
            var (message, error) = await ReadMessage(request, CallbackChannel.Name, limits);
            if (error is not null)
            {
                return error;
            }

            if (await Handle(models, grains, message!.Value) is { } reply)
            {
                await callback.Send(reply.Messages, request.HttpContext.RequestAborted);
            }

            return Results.Text("success");
        });
    }

    /// <summary>Runs the message through the conversation; null when no model is loaded (Rasa ignores the message then).</summary>
    private static async Task<TrackerReply?> Handle(ModelState models, GrainReferences grains, (string Sender, UserMessage Message) message)
    {
        var model = await models.Current();
        return model is null ? null : await grains.Get<ITrackerGrain>(message.Sender).HandleMessage(model, message.Message);
    }

    private static async Task<((string, UserMessage)?, IResult?)> ReadMessage(HttpRequest request, string channel, RasaLimits limits)
    {
        var (body, error) = await RasaRequest.ReadJson(request, "The request body needs 'sender' and 'message'.");
        if (error is not null)
        {
            return (null, error);
        }

        if (body is not JsonObject o || RasaRequest.OptionalString(o["message"]) is not { } text)
        {
            return (null, RasaErrors.BadRequest("The request body needs a 'message' string.", RasaRequest.BodyDetails("message")));
        }

        if (o["sender"] is not null && RasaRequest.OptionalString(o["sender"]) is null)
        {
            return (null, RasaErrors.BadRequest("'sender' must be a string.", RasaRequest.BodyDetails("sender")));
        }

        if (o["metadata"] is { } metadata && metadata is not JsonObject)
        {
            return (null, RasaErrors.BadRequest("'metadata' must be an object.", RasaRequest.BodyDetails("metadata")));
        }

        if (limits.MessageProblem(text, o["metadata"]) is { } tooLarge)
        {
            return (null, RasaErrors.BadRequest(tooLarge, RasaRequest.BodyDetails("message")));
        }

        var sender = RasaRequest.OptionalString(o["sender"]) ?? DefaultSender;
        var inputChannel = RasaRequest.OptionalString(o["input_channel"]) ?? channel;
        return ((sender, new UserMessage(text, null, inputChannel, RasaRequest.OptionalString(o["message_id"]), o["metadata"]?.ToJsonString())), null);
    }
}
