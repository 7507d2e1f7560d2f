namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Why the server unsubscribed a client, sent in the <c>unsubscribe</c> push: below 2500 the client stays unsubscribed,
/// from 2500 it resubscribes (asking its <c>getToken</c> for a new subscription token when it has one).
/// </summary>
public sealed record UnsubscribeReason(int Code, string Reason)
{
    public static readonly UnsubscribeReason Server = new(2000, "server unsubscribe");
    public static readonly UnsubscribeReason Expired = new(2501, "subscription expired");

    /// <summary>The subscription missed a publication the server could not deliver: the SDK resubscribes with recovery.</summary>
    public static readonly UnsubscribeReason InsufficientState = new(2500, "insufficient state");
}
