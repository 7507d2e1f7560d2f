using Switchboard.Bot.Agents;
using Switchboard.Bot.Tracking;

namespace Switchboard.Conversations;

/// <summary>Rasa's <c>/predict</c> answer: the prediction (scores, policy, confidence) and the tracker it was made for.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TrackerPrediction")]
public sealed record TrackerPrediction(
    [property: Id(0)] ActionPrediction Prediction,
    [property: Id(1)] TrackerState Tracker);
