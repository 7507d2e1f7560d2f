using Switchboard.Bot.Events;

namespace Switchboard.Bot.Processing;

/// <summary>Where a conversation's reminders are kept and fired (the tracker grain's durable reminders).</summary>
public interface IReminderScheduler
{
    Task Schedule(ReminderScheduled reminder);

    /// <summary>Cancels the scheduled reminders <paramref name="cancel"/> matches.</summary>
    Task Cancel(ReminderCancelled cancel);
}
