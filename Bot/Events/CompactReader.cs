using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Bot.Events;

/// <summary>Reads what <see cref="CompactWriter"/> wrote, in the same order.</summary>
internal ref struct CompactReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> bytes = bytes;
    private int position;

    public bool AtEnd => position == bytes.Length;

    public byte Byte() => bytes[position++];

    public uint Number() => checked((uint)Long());

    public ulong Long()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public bool Bool() => Byte() != 0;

    public double Double()
    {
        var value = BinaryPrimitives.ReadDoubleLittleEndian(bytes[position..]);
        position += 8;
        return value;
    }

    public double? OptionalDouble() => Bool() ? Double() : null;

    public int? Int()
    {
        var n = Long();
        if (n == 0)
        {
            return null;
        }

        var zigzag = (uint)(n - 1);
        return (int)(zigzag >> 1) ^ -(int)(zigzag & 1);
    }

    public string? Text()
    {
        var n = Number();
        return n == 0 ? null : Encoding.UTF8.GetString(Take((int)n - 1));
    }

    public string? Name() => Number() switch
    {
        0 => null,
        1 => Text(),
        var id => SharedValues.StringById((int)id - 2),
    };

    public RawJson SharedJson() => Number() switch
    {
        0 => default,
        1 => RawJson.OfArray(Take((int)Number()).ToArray()),
        var id => RawJson.OfArray(SharedValues.Utf8ById((int)id - 2)),
    };

    public RawJson Json() => Number() is var n and > 0 ? RawJson.OfArray(Take((int)n - 1).ToArray()) : default;

    public ReadOnlySpan<byte> Take(int length)
    {
        var span = bytes.Slice(position, length);
        position += length;
        return span;
    }
}
