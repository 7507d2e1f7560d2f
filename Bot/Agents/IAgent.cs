using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A loaded model: what <c>-m/--model</c> or <c>PUT /model</c> loads, built by an <see cref="IModelLoader"/>.
/// <see cref="Processing.MessageProcessor"/> runs Rasa's message loop around it; built-in actions and
/// <c>utter_*</c> responses are run by the loop (<see cref="Processing.ActionRunner"/>), the agent only
/// understands, decides and runs the actions it owns.
/// </summary>
public interface IAgent
{
    BotDomain Domain { get; }

    /// <summary>A trained NLU part: free text is understood (without it only <c>/intent{...}</c> is).</summary>
    bool HasNlu { get; }

    /// <summary>Can predict actions. False for an NLU-only model: dialogue routes answer 409.</summary>
    bool HasDialogue { get; }

    /// <summary>The loaded file's name (<c>/status</c> <c>model_file</c>): a model file, or the domain file of a domain-only model.</summary>
    string FileName { get; }

    /// <summary>What Rasa adds to the metadata of every event it logs (<c>model_id</c>, <c>assistant_id</c>); null for none.</summary>
    RawJson EventMetadata { get; }

    /// <summary>Rasa's parse data for a message.</summary>
    Task<ParseResult> Parse(string text, CancellationToken cancellation);

    /// <summary>The next action for the tracker (not called while a follow-up action is due).</summary>
    Task<ActionPrediction> PredictNextAction(TrackerView tracker, CancellationToken cancellation);

    /// <summary>Runs an action the agent owns (forms, custom actions, slot extraction); null leaves it to the built-in runner.</summary>
    Task<IReadOnlyList<TrackerEvent>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation);
}
