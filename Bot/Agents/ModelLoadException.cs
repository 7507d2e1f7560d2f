namespace Switchboard.Bot.Agents;

/// <summary>A model path that cannot be loaded (PUT /model answers 400 with the message).</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
