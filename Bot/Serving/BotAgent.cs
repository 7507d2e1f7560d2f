using System.Text.Json.Nodes;
using Switchboard.Bot.Actions;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Model;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Serving;

/// <summary>
/// A trained <see cref="BotModel"/> behind the conversations seam: parses, predicts with the policy ensemble,
/// and runs the actions the model owns (slot extraction, forms, custom actions on the action server).
/// </summary>
public sealed class BotAgent(BotModel model, ActionServerClient? actionServer) : IAgent
{
    public BotModel Model { get; } = model;

    public BotDomain Domain => Model.Domain;

    public bool HasNlu => true;

    public bool HasDialogue => !Model.IsNluOnly;

    public Task<JsonObject> Parse(string text, string? messageId, CancellationToken cancellation)
    {
        var json = Model.Parse(text).ToJson();
        json["message_id"] = messageId;
        return Task.FromResult(json);
    }

    public async Task<ActionPrediction> PredictNextAction(TrackerView tracker, CancellationToken cancellation)
    {
        var prediction = Model.PredictNextAction(tracker.Tracker, await Applied(tracker));
        var scores = prediction.Scores.Select(s => new ActionScore(s.Key, s.Value)).OrderByDescending(s => s.Score).ToList();
        return new ActionPrediction(prediction.Action, prediction.Confidence, prediction.Policy, scores, []);
    }

    public async Task<IReadOnlyList<JsonObject>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation)
    {
        var isForm = Domain.Forms.ContainsKey(action);
        var isCustom = Domain.IsCustomAction(action);
        if (action != DefaultNames.ActionExtractSlots && !isForm && !isCustom)
        {
            return null;
        }

        var applied = await Applied(tracker);
        var custom = actionServer is null ? null : Custom(tracker);
        List<BotEvent> events;
        if (action == DefaultNames.ActionExtractSlots)
        {
            events = await SlotFiller.Extract(Domain, tracker, applied, custom, cancellation);
        }
        else if (isForm)
        {
            events = await FormRunner.Run(action, Domain, tracker, applied, custom, cancellation);
        }
        else
        {
            events = custom is null
                ? [new ActionExecutionRejected(action, Error: $"'{action}' is a custom action but no action server is configured (endpoints.yml action_endpoint.url)")]
                : await custom(action, [], cancellation);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return events.Select(e => RasaEventJson.ToJson(e, now)).ToList();
    }

    /// <summary>The current session's applied events as the engine's events (what policies featurise).</summary>
    private static async Task<List<BotEvent>> Applied(TrackerView view) =>
        (await view.AppliedEvents()).Select(e => view.Derived(e, RasaEventJson.FromJson)).OfType<BotEvent>().ToList();

    /// <summary>Calls the action server with Rasa's tracker JSON, pending events included.</summary>
    private CustomActionCall Custom(TrackerView view) => async (action, pending, cancellation) =>
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var slots = PendingSlots.Of(Domain, view.Slots, pending);
        var events = new JsonArray((await view.SessionEvents()).Select(e => (JsonNode)e.DeepClone()).Concat(pending.Select(e => (JsonNode)RasaEventJson.ToJson(e, now))).ToArray());
        var loop = pending.OfType<ActiveLoopSet>().LastOrDefault() is { } changed ? changed.Name : view.ActiveLoopName;
        var tracker = new JsonObject
        {
            ["sender_id"] = view.SenderId,
            ["slots"] = new JsonObject(slots.Select(s => KeyValuePair.Create(s.Key, s.Value?.DeepClone()))),
            ["latest_message"] = view.LatestMessage.DeepClone(),
            ["latest_event_time"] = now,
            ["followup_action"] = null,
            ["paused"] = view.Paused,
            ["events"] = events,
            ["latest_input_channel"] = view.LatestInputChannel,
            ["active_loop"] = loop is null ? new JsonObject() : new JsonObject { ["name"] = loop },
            ["latest_action"] = new JsonObject { ["action_name"] = view.LatestActionName },
            ["latest_action_name"] = view.LatestActionName,
        };
        return await actionServer!.Run(action, view.SenderId, tracker, Domain, slots, cancellation);
    };
}
