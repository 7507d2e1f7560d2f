using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Bot.Events;

/// <summary>
/// Any JSON value (a slot value, an entity value, metadata, a bot message's data), kept as its compact UTF-8
/// text: events stay small immutable records, and a value is parsed only where something reads into it.
/// <c>default</c> is JSON <c>null</c>. Two values are equal when their compact texts are.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(BotJson.RawJsonConverter))]
public readonly struct RawJson : IEquatable<RawJson>
{
    private static readonly byte[] NullText = "null"u8.ToArray();
    private readonly byte[]? utf8;

    private RawJson(byte[] utf8) => this.utf8 = utf8;

    public static RawJson EmptyObject { get; } = new("{}"u8.ToArray());

    public static RawJson EmptyArray { get; } = new("[]"u8.ToArray());

    public bool IsNull => utf8 is null;

    /// <summary>The array behind the value (null for JSON null), for <see cref="CompactEvents"/>; never written to.</summary>
    internal byte[]? Array => utf8;

    /// <summary>The compact JSON text.</summary>
    public ReadOnlySpan<byte> Utf8 => utf8 ?? NullText;

    public JsonValueKind Kind => utf8 is null ? JsonValueKind.Null : utf8[0] switch
    {
        (byte)'"' => JsonValueKind.String,
        (byte)'{' => JsonValueKind.Object,
        (byte)'[' => JsonValueKind.Array,
        (byte)'t' => JsonValueKind.True,
        (byte)'f' => JsonValueKind.False,
        _ => JsonValueKind.Number,
    };

    /// <summary>An empty object or array, or null.</summary>
    public bool IsEmpty => utf8 is null || (utf8.Length == 2 && utf8[0] is (byte)'{' or (byte)'[');

    /// <summary>A value from an array already holding compact JSON (what <see cref="Array"/> gave), not copied.</summary>
    internal static RawJson OfArray(byte[]? utf8) => utf8 is null ? default : new RawJson(utf8);

    public static RawJson From(JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return default;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return new RawJson(buffer.WrittenSpan.ToArray());
    }

    public static RawJson From(JsonNode? node) => node is null ? default : Write(w => node.WriteTo(w));

    /// <summary>Validates and compacts JSON text.</summary>
    public static RawJson Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return From(document.RootElement);
    }

    public static RawJson Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static RawJson String(string? value) => value is null ? default : Write(w => w.WriteStringValue(value));

    public static RawJson Bool(bool value) => new(value ? "true"u8.ToArray() : "false"u8.ToArray());

    public static RawJson Number(double value) => Write(w => EventWriter.WriteFloat(w, value));

    /// <summary>A value written by <paramref name="write"/> (one JSON value).</summary>
    public static RawJson Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new RawJson(buffer.WrittenSpan.ToArray());
    }

    /// <summary>The same value in a shared array when it is short (<see cref="SharedValues"/>): for values that repeat across events.</summary>
    public RawJson Shared() => utf8 is null ? this : new(SharedValues.Of(utf8));

    public string? AsString() => Kind == JsonValueKind.String ? JsonSerializer.Deserialize<string>(utf8) : null;

    public double? AsNumber() => Kind == JsonValueKind.Number && double.TryParse(Encoding.UTF8.GetString(utf8!), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    public JsonElement ToElement() => JsonSerializer.Deserialize<JsonElement>(Utf8);

    public JsonNode? ToNode() => utf8 is null ? null : JsonNode.Parse(utf8);

    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Utf8, skipInputValidation: true);

    /// <summary>The value as templates and categorical slots compare it: strings unquoted, Python's True/False/None, the rest as JSON.</summary>
    public string Text() => Kind switch
    {
        JsonValueKind.Null => "None",
        JsonValueKind.String => AsString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => ToString(),
    };

    public override string ToString() => Encoding.UTF8.GetString(Utf8);

    public bool Equals(RawJson other) => Utf8.SequenceEqual(other.Utf8);

    public override bool Equals(object? obj) => obj is RawJson other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }

    public static bool operator ==(RawJson left, RawJson right) => left.Equals(right);

    public static bool operator !=(RawJson left, RawJson right) => !left.Equals(right);
}
