namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc.Messages;

/// <summary>What every method's response has: its <c>error</c> (field 1), set when it failed.</summary>
public interface IApiResponse
{
    Error Error { get; set; }
}

// The generated responses already have the property; these declarations only name the interface.
public sealed partial class PublishResponse : IApiResponse;

public sealed partial class BroadcastResponse : IApiResponse;

public sealed partial class SubscribeResponse : IApiResponse;

public sealed partial class UnsubscribeResponse : IApiResponse;

public sealed partial class DisconnectResponse : IApiResponse;

public sealed partial class RefreshResponse : IApiResponse;

public sealed partial class PresenceResponse : IApiResponse;

public sealed partial class PresenceStatsResponse : IApiResponse;

public sealed partial class HistoryResponse : IApiResponse;

public sealed partial class HistoryRemoveResponse : IApiResponse;

public sealed partial class ChannelsResponse : IApiResponse;

public sealed partial class InfoResponse : IApiResponse;
