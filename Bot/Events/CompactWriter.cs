using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Bot.Events;

/// <summary>
/// Writes the primitives of <see cref="CompactEvents"/>: unsigned LEB128 numbers, doubles as their 8 bytes, free text
/// as length-prefixed UTF-8, and names and small JSON values as their <see cref="SharedValues"/> number when they have
/// one (inline otherwise). Every nullable field starts with a number that says null (0) or what follows.
/// </summary>
internal readonly struct CompactWriter(ArrayBufferWriter<byte> buffer)
{
    public void Byte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    public void Number(ulong value) => buffer.Advance(Number(buffer.GetSpan(10), value));

    /// <summary>Writes <paramref name="value"/> as unsigned LEB128 (at most 10 bytes) and returns how many bytes it took.</summary>
    public static int Number(Span<byte> span, ulong value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7)
        {
            span[i++] = (byte)(value | 0x80);
        }

        span[i++] = (byte)value;
        return i;
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    public void Double(double? value)
    {
        Bool(value.HasValue);
        if (value is { } v)
        {
            Double(v);
        }
    }

    /// <summary>0: null; otherwise the zigzag-encoded value plus one.</summary>
    public void Int(int? value) => Number(value is { } v ? (ulong)(uint)((v << 1) ^ (v >> 31)) + 1 : 0);

    /// <summary>Free text (a user's message, an id): 0 for null, else its UTF-8 length plus one and the bytes.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Number(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Number((uint)length + 1);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    /// <summary>A name: 0 for null, 1 and the text when it has no shared number, else its number plus two.</summary>
    public void Name(string? value)
    {
        if (value is null)
        {
            Number(0);
        }
        else if (SharedValues.StringId(value) is var id and >= 0)
        {
            Number((uint)id + 2);
        }
        else
        {
            Number(1);
            Text(value);
        }
    }

    /// <summary>A JSON value that may repeat (a slot or entity value, metadata, a bot message's data): as <see cref="Name"/>.</summary>
    public void SharedJson(RawJson value)
    {
        if (value.Array is not { } utf8)
        {
            Number(0);
        }
        else if (SharedValues.Utf8Id(utf8) is var id and >= 0)
        {
            Number((uint)id + 2);
        }
        else
        {
            Number(1);
            Number((uint)utf8.Length);
            Bytes(utf8);
        }
    }

    /// <summary>A JSON value that is seldom repeated: 0 for null, else its length plus one and its bytes.</summary>
    public void Json(RawJson value)
    {
        if (value.Array is not { } utf8)
        {
            Number(0);
            return;
        }

        Number((uint)utf8.Length + 1);
        Bytes(utf8);
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
