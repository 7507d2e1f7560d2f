using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchboard.Bot.Domain;

/// <summary>
/// A parsed YAML document with the name it came from, and typed accessors that fail with the node's location,
/// so every reader reports errors the same way.
/// </summary>
public sealed class YamlSource(string name)
{
    public string Name { get; } = name;

    /// <summary>Parses one YAML document (depth and aliases bounded: <see cref="BoundedYamlParser"/>); an empty document is an empty mapping.</summary>
    public static (YamlSource Source, YamlMappingNode Root) Load(string yaml, string name)
    {
        var source = new YamlSource(name);
        var stream = new YamlStream();
        var parser = new BoundedYamlParser(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new BotDataException(name, (int)e.Start.Line, (int)e.Start.Column, "invalid YAML: " + (e.InnerException?.Message ?? e.Message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's representation model meets an event stream it does not expect (a flow collection left
            // open across block keys, found by the fuzzer): still the document's fault.
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new BotDataException(name, (int)at.Line, (int)at.Column, "invalid YAML: a collection is not closed where the document continues");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return (source, new YamlMappingNode());
        }

        if (stream.Documents.Count > 1)
        {
            throw source.Error(stream.Documents[1].RootNode, "expected one YAML document, found several");
        }

        return (source, source.Mapping(stream.Documents[0].RootNode, "the document"));
    }

    public BotDataException Error(YamlNode node, string reason) =>
        new(Name, (int)node.Start.Line, (int)node.Start.Column, reason);

    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value), found {Describe(node)}");

    public YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list, found {Describe(node)}");

    public string Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        throw Error(node, $"{what} must be a non-empty text value, found {Describe(node)}");
    }

    public bool Bool(YamlNode node, string what) =>
        node is YamlScalarNode { Value: var v } && bool.TryParse(v, out var b)
            ? b
            : throw Error(node, $"{what} must be true or false, found {Describe(node)}");

    public double Number(YamlNode node, string what) =>
        node is YamlScalarNode { Value: var v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw Error(node, $"{what} must be a number, found {Describe(node)}");

    /// <summary>A list of names, also accepting a single name.</summary>
    public IReadOnlyList<string> Names(YamlNode node, string what) => node switch
    {
        YamlScalarNode => [Scalar(node, what)],
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, what)).ToList(),
        _ => throw Error(node, $"{what} must be a name or a list of names, found {Describe(node)}"),
    };

    /// <summary>Fails on keys outside <paramref name="allowed"/>, naming the ones that are allowed.</summary>
    public void OnlyKeys(YamlMappingNode map, string what, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || Array.IndexOf(allowed, name) < 0)
            {
                throw Error(key, $"unknown key '{name}' in {what}; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public static string KeyName(YamlNode key) => (key as YamlScalarNode)?.Value ?? "";

    /// <summary>YAML as JSON: plain scalars become booleans, numbers or null as YAML 1.2 core reads them; quoted ones stay text.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode s => ScalarToJson(s),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(KeyName(kv.Key), ToJson(kv.Value)))),
        _ => null,
    };

    private static JsonNode? ScalarToJson(YamlScalarNode s)
    {
        var v = s.Value;
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v ?? "");
        }

        switch (v)
        {
            case null or "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !v.Contains("infinity", StringComparison.OrdinalIgnoreCase)
            ? JsonValue.Create(d)
            : JsonValue.Create(v);
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Value: null or "" } => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };
}
