using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A loaded model: what <c>-m/--model</c> or <c>PUT /model</c> loads, built by an <see cref="IModelLoader"/>.
/// The tracker grain runs Rasa's message loop around it; built-in actions and <c>utter_*</c> responses are
/// run by the loop (<see cref="Processing.ActionRunner"/>), the agent only understands and decides.
/// </summary>
public interface IAgent
{
    BotDomain Domain { get; }

    /// <summary>A trained NLU part: free text is understood (without it only <c>/intent{...}</c> is).</summary>
    bool HasNlu { get; }

    /// <summary>Can predict actions. False for an NLU-only model: dialogue routes answer 409.</summary>
    bool HasDialogue { get; }

    /// <summary>Rasa's parse data: <c>text, intent{name,confidence}, entities[], intent_ranking[]</c>.</summary>
    Task<JsonObject> Parse(string text, string? messageId, CancellationToken cancellation);

    /// <summary>The next action for the tracker (not called while a follow-up action is due).</summary>
    Task<ActionPrediction> PredictNextAction(TrackerView tracker, CancellationToken cancellation);

    /// <summary>Runs an action the agent owns (forms, custom actions); null leaves it to the built-in runner.</summary>
    Task<IReadOnlyList<JsonObject>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation);
}
