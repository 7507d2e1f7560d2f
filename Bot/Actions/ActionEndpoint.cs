using YamlDotNet.RepresentationModel;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Actions;

/// <summary>The action server of <c>endpoints.yml</c> (<c>action_endpoint: {url, token}</c>).</summary>
public sealed record ActionEndpoint(Uri Url, string? Token)
{
    /// <summary>The action endpoint of an endpoints file, or null when it has none.</summary>
    public static ActionEndpoint? FromFile(string path)
    {
        var (source, root) = YamlSource.Load(File.ReadAllText(path), path);
        if (YamlSource.Get(root, "action_endpoint") is not { } node || node is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        var map = source.Mapping(node, "action_endpoint");
        var urlNode = YamlSource.Get(map, "url") ?? throw source.Error(node, "action_endpoint needs a url");
        var url = source.Scalar(urlNode, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw source.Error(urlNode, $"action_endpoint url '{url}' is not an absolute http(s) URL");
        }

        return new ActionEndpoint(uri, YamlSource.Get(map, "token") is { } token ? source.Scalar(token, "token") : null);
    }
}
