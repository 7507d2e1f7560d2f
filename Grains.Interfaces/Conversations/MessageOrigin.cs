namespace Switchboard.Conversations;

/// <summary>Who hands a conversation a message, for <see cref="ITrackerGrain.HandleMessage"/>.</summary>
[GenerateSerializer, Alias("Switchboard.MessageOrigin")]
public enum MessageOrigin
{
    /// <summary>Rasa's public webhooks (REST, callback): anyone on the network, naming any sender.</summary>
    Webhook = 0,

    /// <summary>
    /// The <c>rasa.message</c> rpc of a real-time connection whose token's user is the conversation id. Its first
    /// message makes the conversation that user's: the webhooks are refused for it from then on.
    /// </summary>
    RealtimeUser = 1,
}
