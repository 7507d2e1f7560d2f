using Switchboard.Bot.Domain;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Dialogue;

public interface IDialoguePolicy
{
    string Name { get; }

    /// <summary>Breaks ties between equally confident policies; higher wins (Rasa: rules 6, memoization 3, TED 1).</summary>
    int Priority { get; }

    /// <summary>How many of the latest states <see cref="Predict"/> reads (it may also read the count of all of them).</summary>
    int Lookback { get; }

    /// <summary>Trained on user turns written as text (end-to-end stories): it can also predict from the latest message's text.</summary>
    bool UsesText => false;

    PolicyPrediction? Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<DialogueState> states);
}
