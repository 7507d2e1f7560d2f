using System.Text.Json;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Rasa's answers written straight from typed data (<see cref="EventWriter"/>), or the error of a failed outcome.</summary>
public static class RasaResults
{
    public static IResult Json(Action<Utf8JsonWriter> write) => Results.Bytes(EventWriter.ToUtf8(write), "application/json");

    /// <summary>The tracker of an ok result, or the result's error.</summary>
    public static IResult Tracker(ConversationResult<TrackerState> result) =>
        result.IsOk ? Json(w => EventWriter.WriteTracker(w, result.Value!)) : RasaErrors.From(result);

    /// <summary>The <c>/predict</c> and <c>/model/predict</c> answer: scores (best first), policy, confidence and tracker.</summary>
    public static IResult Prediction(TrackerPrediction prediction) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("scores");
        foreach (var score in prediction.Prediction.Scores.OrderByDescending(s => s.Score))
        {
            w.WriteStartObject();
            w.WriteString("action", score.Action);
            w.WritePropertyName("score");
            EventWriter.WriteFloat(w, score.Score);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("policy", prediction.Prediction.Policy);
        w.WritePropertyName("confidence");
        EventWriter.WriteFloat(w, prediction.Prediction.Confidence);
        w.WritePropertyName("tracker");
        EventWriter.WriteTracker(w, prediction.Tracker);
        w.WriteEndObject();
    });
}
