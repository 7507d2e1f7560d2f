using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Config;

public enum ChannelError
{
    None,
    Invalid,
    TooLong,
    NamespaceNotFound,
}

/// <summary>A channel's options and access rules; <see cref="AllowedUsers"/> is null unless the channel is user-limited.</summary>
public sealed record ChannelResolution(ChannelError Error, NamespaceOptions Options, bool IsPrivate, IReadOnlyList<string>? AllowedUsers)
{
    public bool Ok => Error == ChannelError.None;

    public static ChannelResolution Fail(ChannelError error) => new(error, new NamespaceOptions(), false, null);

    public bool AllowsUser(string user) => AllowedUsers is null || AllowedUsers.Contains(user, StringComparer.Ordinal);
}
