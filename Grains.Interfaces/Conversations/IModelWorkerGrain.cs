using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Conversations;

/// <summary>
/// Serves the loaded model on the silo that runs it: a stateless worker, so every silo has its own local
/// activations and parses and predictions never funnel through one grain. Use key <see cref="Key"/>.
/// </summary>
public interface IModelWorkerGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Rasa's parse data for <paramref name="text"/>.</summary>
    Task<ParseResult> Parse(ModelRef model, string text);

    /// <summary>
    /// Rasa's <c>/model/predict</c>: the next action for a temporary tracker made of <paramref name="events"/>;
    /// nothing is stored or run.
    /// </summary>
    Task<TrackerPrediction> Predict(ModelRef model, string senderId, IReadOnlyList<TrackerEvent> events, EventVerbosity verbosity);
}
