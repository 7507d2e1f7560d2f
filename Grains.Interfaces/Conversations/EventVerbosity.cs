namespace Switchboard.Conversations;

/// <summary>Which events a tracker answer includes (Rasa's <c>include_events</c>).</summary>
[GenerateSerializer, Alias("Switchboard.EventVerbosity")]
public enum EventVerbosity
{
    None = 0,
    Applied = 1,
    AfterRestart = 2,
    All = 3,
}
