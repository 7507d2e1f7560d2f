namespace Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

public sealed partial class Command
{
    /// <summary>No id and no request: the client's answer to a server ping.</summary>
    public bool IsPong => Id == 0 && Connect is null && Subscribe is null && Unsubscribe is null && Publish is null
        && Presence is null && PresenceStats is null && History is null && Ping is null && Send is null && Rpc is null && Refresh is null && SubRefresh is null;
}
