using System.Text;
using Switchboard.Channels;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// Centrifugo's channel name rules: <c>$</c> prefix = private (needs a subscription token),
/// <c>ns:rest</c> = options of namespace <c>ns</c>, <c>name#u1,u2</c> = only users u1 and u2 may subscribe.
/// </summary>
public sealed class ChannelRules(CentrifugoOptions options)
{
    public const char UserBoundary = '#';
    public const char UserSeparator = ',';

    public CentrifugoOptions Options => options;

    public ChannelResolution Resolve(string channel)
    {
        if (string.IsNullOrEmpty(channel))
        {
            return ChannelResolution.Fail(ChannelError.Invalid);
        }

        // In UTF-8 bytes, as Centrifugo counts it (and Redis keys hold it): 255 characters may be 765 bytes.
        if (channel.Length > options.ChannelMaxLength || Encoding.UTF8.GetByteCount(channel) > options.ChannelMaxLength)
        {
            return ChannelResolution.Fail(ChannelError.TooLong);
        }

        if (options.Channels.Find(channel) is not { } channelOptions)
        {
            return ChannelResolution.Fail(ChannelError.NamespaceNotFound);
        }

        var isPrivate = channel[0] == ChannelNamespaces.PrivatePrefix;
        string[]? users = null;
        if (ConversationChannel.UserOf(channel) is { } conversationUser)
        {
            users = [conversationUser];
        }
        else if (channel.LastIndexOf(UserBoundary) is var userBoundary and >= 0)
        {
            users = channel[(userBoundary + 1)..].Split(UserSeparator);
        }

        return new ChannelResolution(ChannelError.None, channelOptions, isPrivate, users);
    }
}
