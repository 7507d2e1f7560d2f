namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// How several frames travel in one transport message: JSON frames are separated by newlines, Protobuf frames
/// carry their own varint length prefix, and the v1 protocol wraps a batch in a JSON array. The v2 protocol keeps
/// them apart (<see cref="OnePerMessage"/>).
/// </summary>
public sealed record Framing(bool Binary, byte[] Prefix, byte[] Separator, byte[] Suffix)
{
    public static readonly Framing JsonLines = new(false, [], "\n"u8.ToArray(), []);

    public static readonly Framing LengthDelimited = new(true, [], [], []);

    public static readonly Framing JsonArray = new(false, "["u8.ToArray(), ","u8.ToArray(), "]"u8.ToArray());

    public static readonly Framing JsonLinesApart = JsonLines with { OnePerMessage = true };

    public static readonly Framing LengthDelimitedApart = LengthDelimited with { OnePerMessage = true };

    /// <summary>
    /// Each frame goes as its own transport message (several may still leave in one write). centrifuge-js 2.x starts
    /// dispatching a message's replies before it has finished those of the message before it when that one held
    /// several, so publications joined in one message could reach its handlers after the next message's.
    /// </summary>
    public bool OnePerMessage { get; init; }

    /// <summary>A frame is sent as it is, without joining.</summary>
    public bool IsBare => Prefix.Length == 0 && Suffix.Length == 0;

    /// <summary>The size of <paramref name="count"/> frames of <paramref name="frameBytes"/> bytes in all, joined.</summary>
    public int SizeOf(int count, int frameBytes) =>
        OnePerMessage ? frameBytes : Prefix.Length + frameBytes + (Separator.Length * (count - 1)) + Suffix.Length;

    /// <summary>Writes <paramref name="frames"/> joined at the start of <paramref name="destination"/> (<see cref="SizeOf"/> bytes).</summary>
    public void Join(List<byte[]> frames, Span<byte> destination)
    {
        Prefix.CopyTo(destination);
        var at = Prefix.Length;
        for (var i = 0; i < frames.Count; i++)
        {
            if (i > 0)
            {
                Separator.CopyTo(destination[at..]);
                at += Separator.Length;
            }

            frames[i].CopyTo(destination[at..]);
            at += frames[i].Length;
        }

        Suffix.CopyTo(destination[at..]);
    }
}
