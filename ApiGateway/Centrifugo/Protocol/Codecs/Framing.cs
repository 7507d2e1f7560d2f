namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// How several frames travel in one transport message: JSON frames are separated by newlines, Protobuf frames
/// carry their own varint length prefix, and the v1 protocol wraps a batch in a JSON array.
/// </summary>
public sealed record Framing(bool Binary, byte[] Prefix, byte[] Separator, byte[] Suffix)
{
    public static readonly Framing JsonLines = new(false, [], "\n"u8.ToArray(), []);

    public static readonly Framing LengthDelimited = new(true, [], [], []);

    public static readonly Framing JsonArray = new(false, "["u8.ToArray(), ","u8.ToArray(), "]"u8.ToArray());
}
