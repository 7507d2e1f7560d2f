using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Conversations;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Rasa's public channels (not behind the API auth): the REST channel answers the bot's messages in the
/// response; the callback channel answers <c>success</c> and posts them to the callback URL. The body is parsed
/// once; the conversation's answer comes back typed and is written once.
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

            var (messages, refused) = message is null ? ([], null) : await Handle(models, grains, message.Value);
            return refused ?? RasaResults.Json(w => EventWriter.WriteMessages(w, messages));
        });

        app.MapGet("/webhooks/callback/", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        app.MapPost("/webhooks/callback/webhook", async (HttpRequest request, ModelState models, GrainReferences grains, CallbackChannel callback, RasaLimits limits) =>
        {
            var (message, error) = await ReadMessage(request, CallbackChannel.Name, limits);
            if (error is not null)
            {
                return error;
            }

            if (message is not null)
            {
                var (messages, refused) = await Handle(models, grains, message.Value);
                if (refused is not null)
                {
                    return refused;
                }

                await callback.Send(messages, request.HttpContext.RequestAborted);
            }

            return Results.Text("success");
        });
    }

    /// <summary>
    /// Runs the message through the conversation: the bot's messages, nothing when no model is loaded (Rasa ignores
    /// the message then), or the refusal of a conversation that is not the webhooks' to write.
    /// </summary>
    private static async Task<(IReadOnlyList<OutgoingMessage> Messages, IResult? Refused)> Handle(ModelState models, GrainReferences grains, (string Sender, IncomingMessage Message) message)
    {
        var model = await models.Current();
        if (model is null)
        {
            return ([], null);
        }

        var result = await grains.Get<ITrackerGrain>(message.Sender).HandleMessage(model, message.Message, MessageOrigin.Webhook);
        return result.IsOk ? (result.Messages, null) : ([], RasaErrors.From(result));
    }

    /// <summary>
    /// The message of a channel body, null when the body has no <c>message</c> (Rasa answers that with no bot
    /// messages), or a 400 for a body that is not a JSON object, has fields of the wrong type or is over the bounds.
    /// </summary>
    private static async Task<((string, IncomingMessage)? Message, IResult? Error)> ReadMessage(HttpRequest request, string channel, RasaLimits limits)
    {
        var (body, error) = await RasaRequest.ReadElement(request, "The request body needs 'sender' and 'message'.");
        if (error is not null)
        {
            return (null, error);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, RasaErrors.BadRequest("The request body must be a JSON object with 'sender' and 'message'.", RasaRequest.BodyDetails()));
        }

        if (!body.TryGetProperty("message", out var text) || text.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (text.ValueKind != JsonValueKind.String)
        {
            return (null, RasaErrors.BadRequest("'message' must be a string.", RasaRequest.BodyDetails("message")));
        }

        if (body.TryGetProperty("sender", out var sender) && sender.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return (null, RasaErrors.BadRequest("'sender' must be a string.", RasaRequest.BodyDetails("sender")));
        }

        var metadata = default(RawJson);
        if (body.TryGetProperty("metadata", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                return (null, RasaErrors.BadRequest("'metadata' must be an object.", RasaRequest.BodyDetails("metadata")));
            }

            metadata = RawJson.From(given);
        }

        var messageText = text.GetString()!;
        if (limits.MessageProblem(messageText, metadata) is { } tooLarge)
        {
            return (null, RasaErrors.BadRequest(tooLarge, RasaRequest.BodyDetails("message")));
        }

        var inputChannel = RasaRequest.OptionalString(body, "input_channel") ?? channel;
        var message = new IncomingMessage(messageText, null, inputChannel, RasaRequest.OptionalString(body, "message_id"), metadata);
        return ((RasaRequest.OptionalString(body, "sender") ?? DefaultSender, message), null);
    }
}
