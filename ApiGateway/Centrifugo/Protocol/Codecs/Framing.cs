namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// How several frames travel in one transport message: JSON frames are separated by newlines, Protobuf frames
/// carry their own varint length prefix, and the v1 protocol wraps a batch in a JSON array. Over WebSocket every
/// later generation keeps them apart (<see cref="OnePerMessage"/>); HTTP-streaming and SSE join them.
/// </summary>
public sealed record Framing(bool Binary, byte[] Prefix, byte[] Separator, byte[] Suffix)
{
    public static readonly Framing JsonLines = new(false, [], "\n"u8.ToArray(), []);

    public static readonly Framing LengthDelimited = new(true, [], [], []);

    public static readonly Framing JsonArray = new(false, "["u8.ToArray(), ","u8.ToArray(), "]"u8.ToArray());

    public static readonly Framing JsonLinesApart = JsonLines with { OnePerMessage = true };

    public static readonly Framing LengthDelimitedApart = LengthDelimited with { OnePerMessage = true };

    /// <summary>
    /// Each frame goes as its own transport message (several may still leave in one write). centrifuge-js 2.x-4.x start
    /// dispatching a message's replies before they have finished those of the message before it when that one held
    /// several, so publications joined in one message could reach their handlers after the next message's (seen in
    /// <c>SdkScenarioTests</c> with 2.x and 4.x). A WebSocket client cannot tell which SDK it is, so none gets joined
    /// frames; the frames still leave in one write, so the server's cost per write stays what joining saved.
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
