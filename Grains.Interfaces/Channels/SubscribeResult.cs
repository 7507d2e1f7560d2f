namespace Switchboard.Channels;

/// <summary>
/// What a subscriber gets back: the channel position (history channels only), and, when recovery was
/// asked for, the publications it missed and whether they are complete.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.SubscribeResult")]
public sealed record SubscribeResult(
    [property: Id(0)] StreamPosition? Position,
    [property: Id(1)] IReadOnlyList<Publication> Recovered,
    [property: Id(2)] bool WasRecovering,
    [property: Id(3)] bool RecoverySucceeded);
