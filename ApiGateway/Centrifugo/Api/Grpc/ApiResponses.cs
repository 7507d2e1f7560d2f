namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc.Messages;

/// <summary>What every method's response has: its <c>error</c> (field 1), set when it failed.</summary>
public interface IApiResponse
{
    Error Error { get; set; }
}

/// <summary>A response with its <c>result</c> (field 2), set when it succeeded.</summary>
public interface IApiResponse<out TResult> : IApiResponse
{
    TResult Result { get; }
}

// The generated responses already have the property; these declarations only name the interface.
public sealed partial class PublishResponse : IApiResponse<PublishResult>;

public sealed partial class BroadcastResponse : IApiResponse<BroadcastResult>;

public sealed partial class SubscribeResponse : IApiResponse<SubscribeResult>;

public sealed partial class UnsubscribeResponse : IApiResponse<UnsubscribeResult>;

public sealed partial class DisconnectResponse : IApiResponse<DisconnectResult>;

public sealed partial class RefreshResponse : IApiResponse<RefreshResult>;

public sealed partial class PresenceResponse : IApiResponse<PresenceResult>;

public sealed partial class PresenceStatsResponse : IApiResponse<PresenceStatsResult>;

public sealed partial class HistoryResponse : IApiResponse<HistoryResult>;

public sealed partial class HistoryRemoveResponse : IApiResponse<HistoryRemoveResult>;

public sealed partial class ChannelsResponse : IApiResponse<ChannelsResult>;

public sealed partial class InfoResponse : IApiResponse<InfoResult>;
