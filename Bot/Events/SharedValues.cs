using System.Collections.Concurrent;

namespace Switchboard.Bot.Events;

/// <summary>
/// One shared instance of each short string and JSON value that repeats across events (intent, action, policy, slot,
/// entity and extractor names, input channels, bot texts from templates, a bot message's all-null data, small slot
/// values), so a conversation read from JSON (the API, the tracker store) holds one copy of each rather than one per
/// event; each also has a number, which is how <see cref="CompactEvents"/> writes it. Bounded, since event JSON is
/// untrusted: values longer than <see cref="MaxLength"/> and values arriving once the pool holds <see cref="Capacity"/>
/// are kept as read, with no number. Entries live as long as the process (numbers are written into event logs).
/// </summary>
public static class SharedValues
{
    /// <summary>Longest value shared, in characters or UTF-8 bytes (names and templates; not free text).</summary>
    public const int MaxLength = 128;

    /// <summary>Most values of each kind held (at most a few MB at <see cref="MaxLength"/>).</summary>
    public const int Capacity = 20_000;

    private static readonly Table<string> Strings = new(StringComparer.Ordinal);
    private static readonly Table<byte[]> Utf8 = new(ByteContent.Instance);

    /// <summary>The shared instance equal to <paramref name="value"/> (itself when none is kept).</summary>
    public static string? Of(string? value) => value is null ? null : Strings.Find(value, value.Length) is var id and >= 0 ? Strings[id] : value;

    /// <summary>The shared array with the same bytes as <paramref name="utf8"/> (itself when none is kept).</summary>
    internal static byte[] Of(byte[] utf8) => Utf8.Find(utf8, utf8.Length) is var id and >= 0 ? Utf8[id] : utf8;

    /// <summary>The number of the shared string equal to <paramref name="value"/> (added when there is room), or -1.</summary>
    internal static int StringId(string value) => Strings.Find(value, value.Length);

    internal static string StringById(int id) => Strings[id];

    /// <summary>The number of the shared JSON text equal to <paramref name="utf8"/> (added when there is room), or -1.</summary>
    internal static int Utf8Id(byte[] utf8) => Utf8.Find(utf8, utf8.Length);

    internal static byte[] Utf8ById(int id) => Utf8[id];

    /// <summary>
    /// Values by number and numbers by value. Numbers are handed out under a lock (rare once names are known); a
    /// number is readable by any thread once <see cref="Find"/> returned it, since the array holding it is published
    /// before the number is.
    /// </summary>
    private sealed class Table<T>(IEqualityComparer<T> comparer) where T : class
    {
        private readonly ConcurrentDictionary<T, int> ids = new(comparer);
        private readonly Lock gate = new();
        private T[] values = new T[64];
        private int count;

        public T this[int id] => Volatile.Read(ref values)[id];

        public int Find(T value, int length)
        {
            if (length > MaxLength)
            {
                return -1;
            }

            if (ids.TryGetValue(value, out var id))
            {
                return id;
            }

            lock (gate)
            {
                if (ids.TryGetValue(value, out id))
                {
                    return id;
                }

                if (count == Capacity)
                {
                    return -1;
                }

                var array = values;
                if (count == array.Length)
                {
                    Array.Resize(ref array, Math.Min(Capacity, array.Length * 2));
                }

                array[count] = value;
                Volatile.Write(ref values, array);
                ids[value] = count;
                return count++;
            }
        }
    }

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
