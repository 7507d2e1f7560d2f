namespace Switchboard.Bot.Events;

/// <summary>An event body that is not a Rasa event (answered with 400).</summary>
public sealed class InvalidEventException(string message) : Exception(message);
