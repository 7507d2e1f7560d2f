using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// The engine's own minimal tracker events; the conversations layer maps them to and from Rasa's event JSON.
/// </summary>
public abstract record BotEvent;

public sealed record UserUttered(ParseResult Message, string? InputChannel = null, JsonObject? Metadata = null) : BotEvent;

public sealed record ActionExecuted(string Name, string? Policy = null, double? Confidence = null) : BotEvent;

public sealed record BotUttered(BotMessage Message) : BotEvent;

public sealed record SlotSet(string Name, JsonNode? Value) : BotEvent;

/// <summary>A loop (form) becomes active; <see cref="Name"/> null deactivates it.</summary>
public sealed record ActiveLoopSet(string? Name) : BotEvent;

/// <summary>An action refused to run (a form whose requested slot was not filled) or failed (<see cref="Error"/>).</summary>
public sealed record ActionExecutionRejected(string Name, string? Policy = null, double? Confidence = null, string? Error = null) : BotEvent;

public sealed record FollowupAction(string Name) : BotEvent;

public sealed record Restarted : BotEvent;

public sealed record SessionStarted : BotEvent;

public sealed record AllSlotsReset : BotEvent;

/// <summary>Undoes everything back to and including the latest user message.</summary>
public sealed record UserUtteranceReverted : BotEvent;

/// <summary>Undoes everything back to and including the latest action.</summary>
public sealed record ActionReverted : BotEvent;

/// <summary>A Rasa event the engine does not interpret (a reminder, an export...), passed through unchanged.</summary>
public sealed record ExternalEvent(JsonObject Json) : BotEvent;
