using Switchboard.Bot.Events;

namespace Switchboard.Bot.Tracking;

/// <summary>The tracker's active loop (Rasa's <c>TrackerActiveLoop</c>, shown as <c>active_loop</c>); <see cref="TriggerMessage"/> is the user message that activated it.</summary>
public sealed record ActiveLoopState(string Name, bool IsInterrupted, bool Rejected, UserUttered? TriggerMessage);
