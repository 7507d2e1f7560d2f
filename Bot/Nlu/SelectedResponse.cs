namespace Switchboard.Bot.Nlu;

/// <summary>
/// The response a response selector chose for a message: its key (<c>chitchat/ask_name</c>) and the response
/// that answers it (<c>utter_chitchat/ask_name</c>), which the retrieval action <c>utter_chitchat</c> utters.
/// </summary>
public sealed record SelectedResponse(string ResponseKey, string UtterAction);
