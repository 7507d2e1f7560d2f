namespace Switchboard.Conversations;

/// <summary>How to show a tracker: which events, and the state as of <see cref="Until"/> (a timestamp) when set.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TrackerQuery")]
public sealed record TrackerQuery(
    [property: Id(0)] EventVerbosity Verbosity,
    [property: Id(1)] double? Until)
{
    public static readonly TrackerQuery Default = new(EventVerbosity.AfterRestart, null);
}
