namespace Switchboard.Bot.Training;

/// <summary>
/// Rasa's retrieval intents: an NLU intent <c>chitchat/ask_name</c> is the intent <c>chitchat</c> to the intent
/// classifier and the dialogue, and the response key <c>chitchat/ask_name</c> to the response selector.
/// </summary>
public static class RetrievalIntent
{
    public const char Delimiter = '/';

    /// <summary><c>chitchat/ask_name</c> → (<c>chitchat</c>, <c>ask_name</c>); an intent without <c>/</c> → (intent, null).</summary>
    public static (string Intent, string? ResponseKey) Split(string intent)
    {
        var slash = intent.IndexOf(Delimiter, StringComparison.Ordinal);
        return slash > 0 && slash < intent.Length - 1 ? (intent[..slash], intent[(slash + 1)..]) : (intent, null);
    }

    /// <summary>The intent the classifier and the dialogue see.</summary>
    public static string BaseOf(string intent) => Split(intent).Intent;
}
