namespace Switchboard.Conversations;

/// <summary>
/// Serves the loaded model on the silo that runs it: a stateless worker, so every silo has its own local
/// activations and parses and predictions never funnel through one grain. Use key <see cref="Key"/>.
/// </summary>
public interface IModelWorkerGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Rasa's parse data for <paramref name="text"/> as a JSON object (raw text: JSON nodes do not cross grain calls).</summary>
    Task<string> Parse(ModelRef model, string text, string? messageId);

    /// <summary>
    /// Rasa's <c>/model/predict</c> answer (<c>scores, policy, confidence, tracker</c>) for a temporary tracker made
    /// of <paramref name="eventsJson"/>, a JSON array of already validated events; nothing is stored or run.
    /// </summary>
    Task<string> Predict(ModelRef model, string senderId, string eventsJson, EventVerbosity verbosity);
}
