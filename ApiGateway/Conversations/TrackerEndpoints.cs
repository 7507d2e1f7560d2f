using System.Text.Json.Nodes;
using Switchboard.Conversations;
using Switchboard.Bot.Tracking;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// <c>/conversations/{conversation_id}/...</c>: trackers, events, stories, messages, actions, intents and
/// predictions, each a call to the conversation's tracker grain; and the admin listing <c>GET /conversations</c>.
/// </summary>
public static class TrackerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/conversations", ListConversations);
        var conversation = api.MapGroup("/conversations/{conversation_id}");
        conversation.MapGet("/tracker", GetTracker);
        conversation.MapPost("/tracker/events", AppendEvents);
        conversation.MapPut("/tracker/events", ReplaceEvents);
        conversation.MapGet("/story", GetStory);
        conversation.MapPost("/execute", Execute);
        conversation.MapPost("/trigger_intent", TriggerIntent);
        conversation.MapPost("/predict", Predict);
        conversation.MapPost("/messages", AddMessage);
    }

    private static ITrackerGrain Tracker(GrainReferences grains, HttpContext context) =>
        grains.Get<ITrackerGrain>(RasaRequest.ConversationId(context)!);

    private static async Task<IResult> ListConversations(HttpRequest request, GrainReferences grains)
    {
        var (offset, offsetError) = RasaRequest.Number(request, "offset");
        var (limit, limitError) = RasaRequest.Number(request, "limit");
        if ((offsetError ?? limitError) is { } error)
        {
            return error;
        }

        if (offset is < 0 || limit is < 0 or > 10_000)
        {
            return RasaErrors.BadRequest("'offset' must be 0 or more and 'limit' between 0 and 10000.", RasaRequest.QueryDetails(offset is < 0 ? "offset" : "limit"));
        }

        var page = await grains.Get<IConversationDirectoryGrain>(0).List((int)(offset ?? 0), (int)(limit ?? 100));
        return Results.Json(new JsonObject
        {
            ["conversations"] = new JsonArray(page.Ids.Select(id => (JsonNode)id).ToArray()),
            ["total"] = page.Total,
            ["offset"] = (int)(offset ?? 0),
            ["limit"] = (int)(limit ?? 100),
        });
    }

    private static async Task<IResult> GetTracker(HttpContext context, ModelState models, GrainReferences grains)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require();
        if ((modelError ?? queryError) is { } error)
        {
            return error;
        }

        return RasaRequest.ToResult(await Tracker(grains, context).Get(model!, query!));
    }

    private static async Task<IResult> AppendEvents(HttpContext context, ModelState models, GrainReferences grains, CallbackChannel callback)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (sideEffects, boolError) = RasaRequest.Bool(context.Request, "execute_side_effects", false);
        var (model, modelError) = await models.Require();
        if ((modelError ?? queryError ?? boolError) is { } error)
        {
            return error;
        }

        var (events, bodyError) = await RasaRequest.ReadEvents(context.Request, "No events defined in request body.", listOnly: false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (events!.Count == 0)
        {
            return RasaErrors.BadRequest("Couldn't extract a proper event from the request body.", RasaRequest.BodyDetails());
        }

        var reply = await Tracker(grains, context).Append(model!, events.Select(e => e.ToJsonString()).ToList(), query!, sideEffects);
        if (reply.Status == 200 && sideEffects)
        {
            await OutputChannel.Deliver(context.Request, reply, callback);
        }

        return RasaRequest.ToResult(reply);
    }

    private static async Task<IResult> ReplaceEvents(HttpContext context, ModelState models, GrainReferences grains)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require();
        if ((modelError ?? queryError) is { } error)
        {
            return error;
        }

        var (events, bodyError) = await RasaRequest.ReadEvents(context.Request, "No events defined in request body.", listOnly: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        return RasaRequest.ToResult(await Tracker(grains, context).Replace(model!, events!.Select(e => e.ToJsonString()).ToList(), query!));
    }

    private static async Task<IResult> GetStory(HttpContext context, ModelState models, GrainReferences grains)
    {
        var (until, untilError) = RasaRequest.Number(context.Request, "until");
        var (allSessions, boolError) = RasaRequest.Bool(context.Request, "all_sessions", false);
        var (model, modelError) = await models.Require();
        if ((modelError ?? untilError ?? boolError) is { } error)
        {
            return error;
        }

        return RasaRequest.ToResult(await Tracker(grains, context).Story(model!, until, allSessions), "text/yml");
    }

    private static async Task<IResult> Execute(HttpContext context, ModelState models, GrainReferences grains, CallbackChannel callback)
    {
        var (query, model, body, name, error) = await NamedCommand(context, models, "action");
        if (error is not null)
        {
            return error;
        }

        var policy = RasaRequest.OptionalString(body!["policy"]);
        var confidence = RasaEvents.Number(body["confidence"]);
        var reply = await Tracker(grains, context).Execute(model!, name!, policy, confidence, query!);
        return await WithMessages(context.Request, reply, callback);
    }

    private static async Task<IResult> TriggerIntent(HttpContext context, ModelState models, GrainReferences grains, CallbackChannel callback)
    {
        var (query, model, body, name, error) = await NamedCommand(context, models, "intent");
        if (error is not null)
        {
            return error;
        }

        if (body!["entities"] is { } entities && entities is not (JsonObject or JsonArray))
        {
            return RasaErrors.BadRequest("'entities' must be an object or a list.", RasaRequest.BodyDetails("entities"));
        }

        var reply = await Tracker(grains, context).TriggerIntent(model!, name!, body["entities"]?.ToJsonString(), query!);
        return await WithMessages(context.Request, reply, callback);
    }

    /// <summary>
    /// What <c>execute</c> and <c>trigger_intent</c> both need: the tracker query, a dialogue model, and a body whose
    /// <c>name</c> is the action or intent (<paramref name="what"/>), each missing piece with Rasa's error.
    /// </summary>
    private static async Task<(TrackerQuery? Query, ModelRef? Model, JsonObject? Body, string? Name, IResult? Error)> NamedCommand(HttpContext context, ModelState models, string what)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require(needsDialogue: true);
        if ((modelError ?? queryError) is { } error)
        {
            return (null, null, null, null, error);
        }

        var (body, bodyError) = await RasaRequest.ReadObject(context.Request, $"No {what} defined in request body.");
        if (bodyError is not null)
        {
            return (null, null, null, null, bodyError);
        }

        if (body?["name"] is not JsonValue nameValue || nameValue.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return (null, null, null, null, RasaErrors.BadRequest($"Name of the {what} not provided in request body.", RasaRequest.BodyDetails("name")));
        }

        return (query, model, body, nameValue.GetValue<string>(), null);
    }

    private static async Task<IResult> Predict(HttpContext context, ModelState models, GrainReferences grains)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require(needsDialogue: true);
        return (modelError ?? queryError) ?? RasaRequest.ToResult(await Tracker(grains, context).Predict(model!, query!));
    }

    private static async Task<IResult> AddMessage(HttpContext context, ModelState models, GrainReferences grains, RasaLimits limits)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require();
        if ((modelError ?? queryError) is { } error)
        {
            return error;
        }

        var (body, bodyError) = await RasaRequest.ReadJson(context.Request, "No message defined in request body. Add a message to the request body in order to add it to the tracker.");
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (body is not JsonObject message || message["text"] is not JsonValue text || text.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return RasaErrors.BadRequest("The message needs a 'text' string.", RasaRequest.BodyDetails("text"));
        }

        var sender = RasaRequest.OptionalString(message["sender"]);
        if (sender != "user")
        {
            return RasaErrors.BadRequest(
                $"Currently, only user messages can be passed to this endpoint. Messages of sender '{sender}' cannot be handled.",
                RasaRequest.BodyDetails("sender"));
        }

        if (limits.MessageProblem(text.GetValue<string>(), message["metadata"]) is { } tooLarge)
        {
            return RasaErrors.BadRequest(tooLarge, RasaRequest.BodyDetails("text"));
        }

        if (message["parse_data"] is { } parseData && parseData is not JsonObject)
        {
            return RasaErrors.BadRequest("'parse_data' must be an object.", RasaRequest.BodyDetails("parse_data"));
        }

        var user = new UserMessage(
            text.GetValue<string>(),
            message["parse_data"]?.ToJsonString(),
            RasaRequest.OptionalString(message["input_channel"]),
            RasaRequest.OptionalString(message["message_id"]),
            message["metadata"] is JsonObject metadata ? metadata.ToJsonString() : null);
        return RasaRequest.ToResult(await Tracker(grains, context).LogMessage(model!, user, query!));
    }

    /// <summary><c>{"tracker", "messages"}</c>, the answer of execute and trigger_intent.</summary>
    private static async Task<IResult> WithMessages(HttpRequest request, TrackerReply reply, CallbackChannel callback)
    {
        if (reply.Status != 200)
        {
            return RasaRequest.ToResult(reply);
        }

        var messages = await OutputChannel.Deliver(request, reply, callback);
        return Results.Json(new JsonObject { ["tracker"] = JsonNode.Parse(reply.Body!), ["messages"] = messages });
    }
}
