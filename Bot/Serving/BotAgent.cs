using Switchboard.Bot.Actions;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Serving;

/// <summary>
/// A trained <see cref="BotModel"/> behind the conversations seam: parses, predicts with the policy ensemble,
/// and runs the actions the model owns (slot extraction, forms, custom actions on the action server).
/// <paramref name="ensemble"/> replaces the model's own (to evaluate some of its policies alone).
/// </summary>
public sealed class BotAgent(BotModel model, ActionServerClient? actionServer, Dialogue.PolicyEnsemble? ensemble = null, string? fileName = null) : IAgent
{
    public BotModel Model { get; } = model;

    public string FileName { get; } = fileName ?? model.FileName;

    public BotDomain Domain => Model.Domain;

    public bool HasNlu => true;

    public bool HasDialogue => !Model.IsNluOnly;

    public RawJson EventMetadata { get; } = RawJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model_id", model.ModelId);
        w.WriteString("assistant_id", model.Config.AssistantId ?? BotConfig.PlaceholderAssistantId);
        w.WriteEndObject();
    });

    /// <summary>Parses; with a sentence encoder, concurrent messages are encoded in one batch.</summary>
    public async Task<ParseResult> Parse(string text, CancellationToken cancellation) => await Model.ParseAsync(text);

    public async Task<ActionPrediction> PredictNextAction(TrackerView tracker, CancellationToken cancellation)
    {
        var applied = await tracker.AppliedEvents();
        var prediction = ensemble?.Predict(Domain, tracker.Tracker, applied) ?? Model.PredictNextAction(tracker.Tracker, applied);
        var scores = prediction.Scores.Select(s => new ActionScore(s.Key, s.Value)).OrderByDescending(s => s.Score).ToList();
        return new ActionPrediction(prediction.Action, prediction.Confidence, prediction.Policy, scores, prediction.Events);
    }

    public async Task<IReadOnlyList<TrackerEvent>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation)
    {
        var isForm = Domain.Forms.ContainsKey(action);
        var isCustom = Domain.IsCustomAction(action);
        if (action != DefaultNames.ActionExtractSlots && !isForm && !isCustom)
        {
            return null;
        }

        var applied = await tracker.AppliedEvents();
        var custom = actionServer is null ? null : Custom(tracker);
        if (action == DefaultNames.ActionExtractSlots)
        {
            return await SlotFiller.Extract(Domain, tracker, applied, custom, cancellation);
        }

        if (isForm)
        {
            return await FormRunner.Run(action, Domain, tracker, applied, custom, cancellation);
        }

        return custom is null
            ? [ActionExecutionRejected.Failed(action, $"'{action}' is a custom action but no action server is configured (endpoints.yml action_endpoint.url)")]
            : await custom(action, [], cancellation);
    }

    /// <summary>Calls the action server with Rasa's tracker JSON, pending events included.</summary>
    private CustomActionCall Custom(TrackerView view) => async (action, pending, cancellation) =>
    {
        var slots = PendingSlots.Of(Domain, view.Slots, pending);
        var events = (await view.SessionEvents()).Concat(pending).ToList();
        var loop = pending.OfType<ActiveLoop>().LastOrDefault() is { } changed
            ? changed.Name is { } name ? new ActiveLoopState(name, false, false, view.LatestMessage) : null
            : view.Tracker.Loop;
        var tracker = new TrackerState(
            view.SenderId,
            slots.Select(s => KeyValuePair.Create(s.Key, RawJson.From(s.Value))).ToList(),
            view.LatestMessage,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
            null,
            view.Paused,
            events,
            view.LatestInputChannel,
            loop,
            view.Tracker.LatestAction);
        return await actionServer!.Run(action, tracker, Domain, slots, cancellation);
    };
}
