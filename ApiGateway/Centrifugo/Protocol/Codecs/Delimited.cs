using Google.Protobuf;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>Varint length-delimited Protobuf frames, several to a transport message.</summary>
internal static class Delimited
{
    public delegate T Parse<out T>(ReadOnlySpan<byte> frame);

    public static byte[] Encode(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[CodedOutputStream.ComputeLengthSize(size) + size];
        var output = new CodedOutputStream(frame);
        output.WriteLength(size);
        message.WriteTo(output);
        output.CheckNoSpaceLeft();
        return frame;
    }

    /// <summary>Parses every frame of <paramref name="message"/>; false when a length or a frame is malformed.</summary>
    public static bool TryDecode<T>(ReadOnlySpan<byte> message, List<T> frames, Parse<T> parse)
    {
        while (!message.IsEmpty)
        {
            if (!TryReadFrame(ref message, out var frame))
            {
                return false;
            }

            try
            {
                frames.Add(parse(frame));
            }
            catch (InvalidProtocolBufferException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits the first frame off <paramref name="message"/>.</summary>
    public static bool TryReadFrame(ref ReadOnlySpan<byte> message, out ReadOnlySpan<byte> frame)
    {
        frame = default;
        ulong length = 0;
        for (var i = 0; i < 10 && i < message.Length; i++)
        {
            length |= (ulong)(message[i] & 0x7F) << (7 * i);
            if ((message[i] & 0x80) == 0)
            {
                var start = i + 1;
                if (length > (ulong)(message.Length - start))
                {
                    return false;
                }

                frame = message.Slice(start, (int)length);
                message = message[(start + (int)length)..];
                return true;
            }
        }

        return false;
    }
}
