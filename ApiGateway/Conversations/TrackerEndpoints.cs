using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;
using Switchboard.Conversations;
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

        return RasaResults.Tracker(await Tracker(grains, context).Get(model!, query!));
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

        var result = await Tracker(grains, context).Append(model!, events, query!, sideEffects);
        if (result.IsOk && sideEffects)
        {
            await MessageDelivery.Deliver(context.Request, result, callback);
        }

        return RasaResults.Tracker(result);
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

        return RasaResults.Tracker(await Tracker(grains, context).Replace(model!, events!, query!));
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

        var result = await Tracker(grains, context).Story(model!, until, allSessions);
        return result.IsOk ? Results.Text(result.Value, "text/yml") : RasaErrors.From(result);
    }

    private static async Task<IResult> Execute(HttpContext context, ModelState models, GrainReferences grains, CallbackChannel callback)
    {
        var (query, model, body, name, error) = await NamedCommand(context, models, "action");
        if (error is not null)
        {
            return error;
        }

        var policy = RasaRequest.OptionalString(body, "policy");
        var confidence = body.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : (double?)null;
        var result = await Tracker(grains, context).Execute(model!, name!, policy, confidence, query!);
        return await WithMessages(context.Request, result, callback);
    }

    private static async Task<IResult> TriggerIntent(HttpContext context, ModelState models, GrainReferences grains, CallbackChannel callback)
    {
        var (query, model, body, name, error) = await NamedCommand(context, models, "intent");
        if (error is not null)
        {
            return error;
        }

        var entities = body.TryGetProperty("entities", out var given) ? given : default;
        if (entities.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array))
        {
            return RasaErrors.BadRequest("'entities' must be an object or a list.", RasaRequest.BodyDetails("entities"));
        }

        var result = await Tracker(grains, context).TriggerIntent(model!, name!, RawJson.From(entities), query!);
        return await WithMessages(context.Request, result, callback);
    }

    /// <summary>
    /// What <c>execute</c> and <c>trigger_intent</c> both need: the tracker query, a dialogue model, and a body whose
    /// <c>name</c> is the action or intent (<paramref name="what"/>), each missing piece with Rasa's error.
    /// </summary>
    private static async Task<(TrackerQuery? Query, ModelRef? Model, JsonElement Body, string? Name, IResult? Error)> NamedCommand(HttpContext context, ModelState models, string what)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require(needsDialogue: true);
        if ((modelError ?? queryError) is { } error)
        {
            return (null, null, default, null, error);
        }

        var (body, bodyError) = await RasaRequest.ReadElement(context.Request, $"No {what} defined in request body.");
        if (bodyError is not null)
        {
            return (null, null, default, null, bodyError);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, null, default, null, RasaErrors.BadRequest("The request body must be a JSON object.", RasaRequest.BodyDetails()));
        }

        if (RasaRequest.OptionalString(body, "name") is not { } name)
        {
            return (null, null, default, null, RasaErrors.BadRequest($"Name of the {what} not provided in request body.", RasaRequest.BodyDetails("name")));
        }

        return (query, model, body, name, null);
    }

    private static async Task<IResult> Predict(HttpContext context, ModelState models, GrainReferences grains)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require(needsDialogue: true);
        if ((modelError ?? queryError) is { } error)
        {
            return error;
        }

        var result = await Tracker(grains, context).Predict(model!, query!);
        return result.IsOk ? RasaResults.Prediction(result.Value!) : RasaErrors.From(result);
    }

    private static async Task<IResult> AddMessage(HttpContext context, ModelState models, GrainReferences grains, RasaLimits limits)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(context.Request);
        var (model, modelError) = await models.Require();
        if ((modelError ?? queryError) is { } error)
        {
            return error;
        }

        var (message, bodyError) = await RasaRequest.ReadElement(context.Request, "No message defined in request body. Add a message to the request body in order to add it to the tracker.");
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (RasaRequest.OptionalString(message, "text") is not { } text)
        {
            return RasaErrors.BadRequest("The message needs a 'text' string.", RasaRequest.BodyDetails("text"));
        }

        var sender = RasaRequest.OptionalString(message, "sender");
        if (sender != "user")
        {
            return RasaErrors.BadRequest(
                $"Currently, only user messages can be passed to this endpoint. Messages of sender '{sender}' cannot be handled.",
                RasaRequest.BodyDetails("sender"));
        }

        var metadata = message.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? RawJson.From(m) : default;
        if (limits.MessageProblem(text, metadata) is { } tooLarge)
        {
            return RasaErrors.BadRequest(tooLarge, RasaRequest.BodyDetails("text"));
        }

        Switchboard.Bot.Nlu.ParseResult? parseData = null;
        if (message.TryGetProperty("parse_data", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            try
            {
                parseData = given.ValueKind == JsonValueKind.Object
                    ? EventReader.ReadParseData(given, text)
                    : throw new InvalidEventException("'parse_data' must be an object.");
            }
            catch (InvalidEventException e)
            {
                return RasaErrors.BadRequest(e.Message, RasaRequest.BodyDetails("parse_data"));
            }
        }

        var user = new IncomingMessage(text, parseData, RasaRequest.OptionalString(message, "input_channel"), RasaRequest.OptionalString(message, "message_id"), metadata);
        return RasaResults.Tracker(await Tracker(grains, context).LogMessage(model!, user, query!));
    }

    /// <summary><c>{"tracker", "messages"}</c>, the answer of execute and trigger_intent.</summary>
    private static async Task<IResult> WithMessages(HttpRequest request, ConversationResult<TrackerState> result, CallbackChannel callback)
    {
        if (!result.IsOk)
        {
            return RasaErrors.From(result);
        }

        var messages = await MessageDelivery.Deliver(request, result, callback);
        return RasaResults.Json(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("tracker");
            EventWriter.WriteTracker(w, result.Value!);
            w.WritePropertyName("messages");
            EventWriter.WriteMessages(w, messages);
            w.WriteEndObject();
        });
    }
}
