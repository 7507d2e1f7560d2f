namespace Switchboard.Conversations;

/// <summary>What a conversation operation came to; the gateway maps it to a status code and Rasa's error body in one place.</summary>
[GenerateSerializer, Alias("Switchboard.Outcome")]
public enum Outcome
{
    Ok = 0,

    /// <summary>The conversation (or what it names: an intent, an action) does not exist.</summary>
    NotFound = 1,

    /// <summary>The request cannot be applied (an action the domain does not have, an event that is not one).</summary>
    Invalid = 2,

    /// <summary>The conversation's state does not allow it (the loaded model cannot serve it).</summary>
    Conflict = 3,

    /// <summary>The caller may not do this to the conversation (a webhook writing to a real-time user's conversation).</summary>
    Forbidden = 4,
}
