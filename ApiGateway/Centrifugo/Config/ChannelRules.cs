namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// Centrifugo's channel name rules: <c>$</c> prefix = private (needs a subscription token),
/// <c>ns:rest</c> = options of namespace <c>ns</c>, <c>name#u1,u2</c> = only users u1 and u2 may subscribe.
/// </summary>
public sealed class ChannelRules(CentrifugoOptions options)
{
    public const char PrivatePrefix = '$';
    public const char NamespaceBoundary = ':';
    public const char UserBoundary = '#';
    public const char UserSeparator = ',';

    public CentrifugoOptions Options => options;

    public ChannelResolution Resolve(string channel)
    {
        if (string.IsNullOrEmpty(channel))
        {
            return ChannelResolution.Fail(ChannelError.Invalid);
        }

        if (channel.Length > options.ChannelMaxLength)
        {
            return ChannelResolution.Fail(ChannelError.TooLong);
        }

        var isPrivate = channel[0] == PrivatePrefix;
        var name = isPrivate ? channel.AsSpan(1) : channel.AsSpan();
        var channelOptions = options.Defaults;
        var boundary = name.IndexOf(NamespaceBoundary);
        if (boundary >= 0)
        {
            var ns = name[..boundary].ToString();
            if (!options.Namespaces.TryGetValue(ns, out var nsOptions))
            {
                return ChannelResolution.Fail(ChannelError.NamespaceNotFound);
            }

            channelOptions = nsOptions;
        }

        string[]? users = null;
        var userBoundary = name.LastIndexOf(UserBoundary);
        if (userBoundary >= 0)
        {
            var part = name[(userBoundary + 1)..].ToString();
            // A conversation channel (rasa#<id>) names one percent-escaped user, whose id may itself hold ',' or '#'.
            users = channel.StartsWith(Switchboard.Conversations.ConversationChannel.Prefix, StringComparison.Ordinal)
                ? [Switchboard.Conversations.ConversationChannel.Unescape(part)]
                : part.Split(UserSeparator);
        }

        return new ChannelResolution(ChannelError.None, channelOptions, isPrivate, users);
    }
}
