using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>Newline-separated JSON commands (blank lines skipped), as both JSON generations send them.</summary>
internal static class JsonLines
{
    private const int MaxDepth = 64;

    public static bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands, Func<JsonElement, Command> read)
    {
        while (!message.IsEmpty)
        {
            var newline = message.IndexOf((byte)'\n');
            var line = newline < 0 ? message : message[..newline];
            message = newline < 0 ? [] : message[(newline + 1)..];
            if (line.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            if (!TryParse(line, out var root))
            {
                return false;
            }

            try
            {
                // A string escaping a lone surrogate (\ud800) is no text: reading it throws InvalidOperationException.
                commands.Add(read(root));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first command of a message, for telling the generations apart.</summary>
    public static bool TryParseFirst(ReadOnlySpan<byte> message, out JsonElement root)
    {
        root = default;
        foreach (var range in message.Split((byte)'\n'))
        {
            var line = message[range];
            if (!line.Trim(" \r\t"u8).IsEmpty)
            {
                return TryParse(line, out root);
            }
        }

        return false;
    }

    /// <summary>One JSON value, the whole of <paramref name="line"/> (surrounding whitespace aside).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out JsonElement root)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            root = JsonElement.ParseValue(ref reader);
            return line[(int)reader.BytesConsumed..].Trim(" \r\t"u8).IsEmpty;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }
}
