namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>How a publication relates to what a positioned subscription got so far.</summary>
internal enum Continuity
{
    /// <summary>The next one (or the subscription is not positioned): deliver it.</summary>
    Next,

    /// <summary>It has it already (from recovery or a read-back): drop it.</summary>
    Stale,

    /// <summary>One or more before it never reached the subscription, or its history started over: insufficient state.</summary>
    Hole,
}
