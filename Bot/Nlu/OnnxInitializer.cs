namespace Switchboard.Bot.Nlu;

/// <summary>
/// Finds one weight tensor (a graph initializer stored as <c>raw_data</c>) in an ONNX model by walking its protobuf
/// wire format: <c>ModelProto.graph</c> (field 7) → <c>GraphProto.initializer</c> (field 5) → <c>TensorProto</c>
/// (<c>dims</c> 1, <c>data_type</c> 2, <c>name</c> 8, <c>raw_data</c> 9). Only headers are read; every other field
/// is skipped by its length, so a 90 MB model is located without reading its weights.
/// </summary>
public static class OnnxInitializer
{
    private const int FloatType = 1;

    /// <summary>Where the float tensor named <paramref name="name"/> starts in the stream, and its shape.</summary>
    public static (long Offset, long[] Dims) FindFloat(Stream model, string name)
    {
        var reader = new WireReader(model);
        var graph = reader.Find(model.Length, 7) ?? throw new InvalidDataException("the ONNX model has no graph");
        var end = model.Position + graph;
        while (reader.Find(end, 5) is { } length)
        {
            var tensorEnd = model.Position + length;
            if (Tensor(reader, tensorEnd) is { } tensor && tensor.Name == name)
            {
                return tensor.Type == FloatType && tensor.RawData is { } offset
                    ? (offset, tensor.Dims.ToArray())
                    : throw new InvalidDataException($"the ONNX tensor '{name}' is not stored as raw floats");
            }

            model.Position = tensorEnd;
        }

        throw new InvalidDataException($"the ONNX model has no initializer '{name}'");
    }

    private static (string Name, int Type, List<long> Dims, long? RawData)? Tensor(WireReader reader, long end)
    {
        var name = "";
        var type = 0;
        var dims = new List<long>();
        long? raw = null;
        while (reader.Position < end)
        {
            var (field, wire) = reader.Tag();
            switch (field, wire)
            {
                case (1, 0):
                    dims.Add((long)reader.Varint());
                    break;
                case (1, 2):
                    var packedEnd = reader.Length() + reader.Position;
                    while (reader.Position < packedEnd)
                    {
                        dims.Add((long)reader.Varint());
                    }

                    break;
                case (2, 0):
                    type = (int)reader.Varint();
                    break;
                case (8, 2):
                    name = reader.String();
                    break;
                case (9, 2):
                    var length = reader.Length();
                    raw = reader.Position;
                    reader.Skip(length);
                    break;
                default:
                    reader.SkipField(wire);
                    break;
            }
        }

        return (name, type, dims, raw);
    }

    private sealed class WireReader(Stream stream)
    {
        public long Position => stream.Position;

        /// <summary>Skips fields until one numbered <paramref name="field"/> (length-delimited) before <paramref name="end"/>; returns its length.</summary>
        public long? Find(long end, int field)
        {
            while (stream.Position < end)
            {
                var (number, wire) = Tag();
                if (number == field && wire == 2)
                {
                    return Length();
                }

                SkipField(wire);
            }

            return null;
        }

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = stream.ReadByte();
                if (b < 0)
                {
                    throw new InvalidDataException("the ONNX model ends inside a field");
                }

                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("the ONNX model has a malformed varint");
        }

        public long Length()
        {
            var length = Varint();
            return length <= (ulong)(stream.Length - stream.Position)
                ? (long)length
                : throw new InvalidDataException("the ONNX model has a field longer than the file");
        }

        public string String()
        {
            var bytes = new byte[Length()];
            stream.ReadExactly(bytes);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        public void Skip(long count) => stream.Position += count;

        public void SkipField(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    Skip(8);
                    break;
                case 2:
                    Skip(Length());
                    break;
                case 5:
                    Skip(4);
                    break;
                default:
                    throw new InvalidDataException($"the ONNX model has an unknown wire type {wire}");
            }
        }
    }
}
