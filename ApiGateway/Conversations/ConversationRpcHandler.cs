using Switchboard.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Conversations;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// The WebSocket side of a conversation: a connected user sends <c>rpc</c> method <c>rasa.message</c> with
/// <c>{"message": "...", "metadata": {...}}</c> into the conversation whose id is the user's id (the token's
/// <c>sub</c>); the reply carries the bot's messages, which are also published on the conversation's channel.
/// </summary>
public sealed class ConversationRpcHandler(ModelState models, GrainReferences grains, RasaLimits limits) : IRpcHandler
{
    public const string MethodName = "rasa.message";
    public const string InputChannel = "websocket";

    public string Method => MethodName;

    public async Task<byte[]> Handle(RpcContext context, byte[] data)
    {
        if (string.IsNullOrEmpty(context.User))
        {
            throw new RpcException(103, "permission denied: anonymous connections have no conversation");
        }

        if (!System.Text.Unicode.Utf8.IsValid(data))
        {
            throw new RpcException(107, "bad request: data must be UTF-8");
        }

        if (!StrictJson.IsText(data))
        {
            throw new RpcException(107, "bad request: strings in data must be Unicode text");
        }

        JsonNode? body;
        try
        {
            body = data.Length == 0 ? null : StrictJson.ParseNode(data);
        }
        catch (JsonException)
        {
            throw new RpcException(107, "bad request: data must be JSON without repeated properties");
        }

        if (RasaRequest.OptionalString(body?["message"]) is not { } text)
        {
            throw new RpcException(107, "bad request: data needs a 'message' string");
        }

        if (body?["metadata"] is { } given && given is not JsonObject)
        {
            throw new RpcException(107, "bad request: 'metadata' must be an object");
        }

        var metadata = RawJson.From(body?["metadata"]);
        if (limits.MessageProblem(text, metadata) is { } tooLarge)
        {
            throw new RpcException(107, "bad request: " + tooLarge);
        }

        var model = await models.Current() ?? throw new RpcException(100, "internal server error: no model loaded");
        var message = new IncomingMessage(text, null, InputChannel, null, metadata);
        var result = await grains.Get<ITrackerGrain>(context.User).HandleMessage(model, message, MessageOrigin.RealtimeUser);
        if (!result.IsOk)
        {
            throw new RpcException(107, "bad request: " + result.Error);
        }

        return EventWriter.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("messages");
            EventWriter.WriteMessages(w, result.Messages);
            w.WriteEndObject();
        });
    }
}
