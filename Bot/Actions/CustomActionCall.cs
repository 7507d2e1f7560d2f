using Switchboard.Bot.Dialogue;

namespace Switchboard.Bot.Actions;

/// <summary>Runs a custom action on the action server as if <paramref name="pending"/> had already been logged.</summary>
public delegate Task<List<BotEvent>> CustomActionCall(string action, IReadOnlyList<BotEvent> pending, CancellationToken cancellation);
