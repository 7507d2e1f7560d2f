using Switchboard.Bot.Events;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// Asks every policy and keeps the most confident prediction (ties go to the higher priority); below the core
/// fallback threshold it predicts the fallback action, as Rasa's ensemble with its rule policy does.
/// </summary>
public sealed class PolicyEnsemble(IReadOnlyList<IDialoguePolicy> policies, PolicySettings settings)
{
    public IReadOnlyList<IDialoguePolicy> Policies { get; } = policies;

    public PolicySettings Settings { get; } = settings;

    /// <summary>How confident a prediction from the message's text must be to count (Rasa's <c>e2e_confidence_threshold</c>).</summary>
    private const double TextConfidenceThreshold = 0.5;

    private readonly int lookback = policies.Select(p => p.Lookback).DefaultIfEmpty(1).Max();

    /// <summary>
    /// The next action for a conversation: its tracker state and the current session's applied events (a due
    /// follow-up action is the caller's business, as in Rasa's processor).
    /// </summary>
    public PolicyPrediction Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<TrackerEvent> applied)
    {
        var states = DialogueStates.Recent(domain, applied, lookback);
        // A message with an intent is also featurised by its text for policies trained on text turns; the text's
        // prediction wins when it is confident and more so than the intent's (as Rasa's TED compares them).
        var byText = Policies.Any(p => p.UsesText) && applied.OfType<UserUttered>().LastOrDefault() is { IntentName: not null, Text.Length: > 0 }
            ? DialogueStates.Recent(domain, applied, lookback, byText: true)
            : null;
        // An action that just refused or failed is not predicted again straight away (as in Rasa's ensemble).
        var excluded = applied.Count > 0 && applied[^1] is ActionExecutionRejected rejected ? rejected.Name : null;
        PolicyPrediction? best = null;
        var bestPriority = int.MinValue;
        foreach (var policy in Policies)
        {
            var prediction = policy.Predict(domain, tracker, states);
            if (byText is not null && policy.UsesText && policy.Predict(domain, tracker, byText) is { Confidence: > TextConfidenceThreshold } fromText
                && (prediction is null || fromText.Confidence > prediction.Confidence))
            {
                prediction = fromText;
            }

            if (prediction is not null && prediction.Action == excluded)
            {
                prediction = NextBest(prediction, excluded);
            }

            if (prediction is null)
            {
                continue;
            }

            if (best is null || prediction.Confidence > best.Confidence + 1e-9 ||
                (Math.Abs(prediction.Confidence - best.Confidence) <= 1e-9 && policy.Priority > bestPriority))
            {
                best = prediction;
                bestPriority = policy.Priority;
            }
        }

        if (best is null || (Settings.EnableFallbackPrediction && best.Confidence < Settings.CoreFallbackThreshold))
        {
            var fallback = Settings.CoreFallbackAction;
            return new PolicyPrediction(fallback, Settings.CoreFallbackThreshold, "RulePolicy", domain.ActionNames.ToDictionary(a => a, a => a == fallback ? Settings.CoreFallbackThreshold : 0.0, StringComparer.Ordinal));
        }

        // A loop that rejected a turn and is predicted again after the user's next message (a story or rule taking
        // the conversation back to it) returns from an unhappy path: it is told so (Rasa's loop_interrupted), and
        // does not validate that message as an answer to its question.
        if (tracker.ActiveLoopName is { } loop && best.Action == loop && tracker.LoopRejected && tracker.LatestActionName == DefaultNames.ActionListen)
        {
            best = best with { Events = [new LoopInterrupted(true)] };
        }

        return best;
    }

    private static PolicyPrediction? NextBest(PolicyPrediction prediction, string excluded)
    {
        var scores = prediction.Scores.ToDictionary(StringComparer.Ordinal);
        scores[excluded] = 0;
        var next = scores.MaxBy(s => s.Value);
        return next.Value <= 0 ? null : prediction with { Action = next.Key, Confidence = next.Value, Scores = scores };
    }
}
