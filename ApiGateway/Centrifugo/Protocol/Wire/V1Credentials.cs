namespace Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

// The v1 protocol signs connections and private subscriptions with HMACs instead of JWTs; its codec puts what it
// read on the requests, in memory only (these properties are no Protobuf fields).

public sealed partial class ConnectRequest
{
    public V1Credentials? V1 { get; set; }
}

public sealed partial class RefreshRequest
{
    public V1Credentials? V1 { get; set; }
}

public sealed partial class SubscribeRequest
{
    public V1ChannelSign? V1 { get; set; }
}
