using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The codecs served and how a connection gets one: the transport says JSON or Protobuf (WebSocket
/// subprotocol), and the first command says which generation, since each generation's connect looks different.
/// </summary>
public static class ClientCodecs
{
    /// <summary>The WebSocket subprotocol of the Protobuf protocol (every SDK generation that has one).</summary>
    public const string ProtobufSubprotocol = "centrifuge-protobuf";

    /// <summary>The subprotocol some SDKs name for JSON; no subprotocol means JSON too.</summary>
    public const string JsonSubprotocol = "centrifuge-json";

    /// <summary>Number of codecs: the size of <see cref="PushFrame"/>'s cache.</summary>
    public const int Count = 5;

    /// <summary>
    /// The frames of a transport message, counted up to <paramref name="limit"/> without decoding them: JSON lines
    /// (blank ones aside) or length-delimited Protobuf frames (up to the first malformed length).
    /// </summary>
    public static int CountFrames(bool binary, ReadOnlySpan<byte> message, int limit)
    {
        var count = 0;
        if (binary)
        {
            while (count < limit && Delimited.TryReadFrame(ref message, out _))
            {
                count++;
            }

            return count;
        }

        foreach (var range in message.Split((byte)'\n'))
        {
            if (count == limit)
            {
                break;
            }

            if (!message[range].Trim(" \r\t"u8).IsEmpty)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The codec the first transport message speaks, or null when it is no connect of any generation.</summary>
    public static IClientCodec? Detect(bool binary, ReadOnlySpan<byte> first) => binary ? DetectProtobuf(first) : DetectJson(first);

    private static IClientCodec? DetectJson(ReadOnlySpan<byte> first)
    {
        if (!JsonLines.TryParseFirst(first, out var root))
        {
            return null;
        }

        if (V1JsonCodec.IsConnect(root))
        {
            // Its replies name the method and uid of their command: one instance per connection.
            return new V1JsonCodec();
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("connect", out _))
        {
            return JsonCodec.Instance;
        }

        // v2: the connect is method 0, which a client may leave out along with empty params.
        return IsV2Connect(root) ? V2JsonCodec.Instance : null;
    }

    private static bool IsV2Connect(JsonElement root)
    {
        var hasId = false;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id": hasId = true; break;
                case "params": break;
                case "method" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var method) && method == 0: break;
                default: return false;
            }
        }

        return hasId;
    }

    private static IClientCodec? DetectProtobuf(ReadOnlySpan<byte> first)
    {
        if (!Delimited.TryReadFrame(ref first, out var frame))
        {
            return null;
        }

        try
        {
            if (Command.Parser.ParseFrom(frame).Connect is not null)
            {
                return ProtobufCodec.Instance;
            }

            var v2 = V2Command.Parser.ParseFrom(frame);
            return v2.Id > 0 && v2.Method == V2Command.Types.MethodType.Connect ? V2ProtobufCodec.Instance : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
