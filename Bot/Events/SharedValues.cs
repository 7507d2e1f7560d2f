using System.Collections.Concurrent;

namespace Switchboard.Bot.Events;

/// <summary>
/// One shared instance of each short string and JSON value that repeats across events (intent, action, policy, slot,
/// entity and extractor names, input channels, bot texts from templates, a bot message's all-null data, small slot
/// values), so a conversation read from JSON (the API, the tracker store) holds one copy of each rather than one per
/// event: about half of a typed event's bytes. Bounded, since event JSON is untrusted: values longer than
/// <see cref="MaxLength"/> and values arriving once the pool holds <see cref="Capacity"/> are kept as read.
/// </summary>
public static class SharedValues
{
    /// <summary>Longest value shared, in characters or UTF-8 bytes (names and templates; not free text).</summary>
    public const int MaxLength = 128;

    /// <summary>Most values of each kind held (at most a few MB at <see cref="MaxLength"/>).</summary>
    public const int Capacity = 20_000;

    private static readonly ConcurrentDictionary<string, string> Strings = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<byte[], byte[]> Utf8 = new(ByteContent.Instance);

    /// <summary>The shared instance equal to <paramref name="value"/> (itself when none is kept).</summary>
    public static string? Of(string? value) =>
        value is null || value.Length > MaxLength ? value
        : Strings.TryGetValue(value, out var shared) ? shared
        : Strings.Count < Capacity ? Strings.GetOrAdd(value, value)
        : value;

    /// <summary>The shared array with the same bytes as <paramref name="utf8"/> (itself when none is kept).</summary>
    internal static byte[] Of(byte[] utf8) =>
        utf8.Length > MaxLength ? utf8
        : Utf8.TryGetValue(utf8, out var shared) ? shared
        : Utf8.Count < Capacity ? Utf8.GetOrAdd(utf8, utf8)
        : utf8;

    private sealed class ByteContent : IEqualityComparer<byte[]>
    {
        public static readonly ByteContent Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
