namespace Switchboard.Bot.Domain;

/// <summary>Rasa's <c>session_config</c>: expiration in minutes (0 = never) and whether slots carry over.</summary>
public sealed record SessionConfig(double SessionExpirationMinutes, bool CarryOverSlots)
{
    public static SessionConfig Default { get; } = new(60, true);
}
