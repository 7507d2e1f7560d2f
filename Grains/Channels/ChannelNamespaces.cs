using Microsoft.Extensions.Configuration;

namespace Switchboard.Channels;

/// <summary>
/// The channel options of the cluster: the top level and the <c>namespaces</c> list, read from the same keys
/// (config file, environment, flags) by gateways, which check requests against them, and by silos, whose channel
/// grains act on them. <c>ns:rest</c> (after an optional private <c>$</c>) takes namespace <c>ns</c>'s options.
/// </summary>
public sealed record ChannelNamespaces(NamespaceOptions Defaults, IReadOnlyDictionary<string, NamespaceOptions> Namespaces)
{
    public const char PrivatePrefix = '$';
    public const char NamespaceBoundary = ':';

    public static ChannelNamespaces From(IConfiguration config)
    {
        var namespaces = new Dictionary<string, NamespaceOptions>(StringComparer.Ordinal);
        foreach (var ns in config.GetSection("namespaces").GetChildren())
        {
            var name = ns["name"];
            if (string.IsNullOrEmpty(name))
            {
                throw new InvalidOperationException("Every entry of 'namespaces' needs a 'name'.");
            }

            namespaces[name] = NamespaceOptions.From(ns);
        }

        return new ChannelNamespaces(NamespaceOptions.From(config), namespaces);
    }

    /// <summary>The options of the channel's namespace; null when it names a namespace that is not configured.</summary>
    public NamespaceOptions? Find(string channel)
    {
        var name = channel.StartsWith(PrivatePrefix) ? channel.AsSpan(1) : channel.AsSpan();
        var boundary = name.IndexOf(NamespaceBoundary);
        if (boundary < 0)
        {
            return Defaults;
        }

        return Namespaces.TryGetValue(name[..boundary].ToString(), out var options) ? options : null;
    }

    /// <summary>A canonical description (namespaces by name), to compare the options of two processes.</summary>
    public string Describe() =>
        string.Join("; ", Namespaces.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}: {n.Value}").Prepend($"top level: {Defaults}"));

    /// <summary>What a channel grain of <paramref name="channel"/> acts on: nothing is on in an unknown namespace.</summary>
    public ChannelSettings SettingsFor(string channel) => Find(channel)?.ToSettings() ?? ChannelSettings.Default;
}
