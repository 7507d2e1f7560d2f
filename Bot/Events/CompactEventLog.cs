using System.Buffers;

namespace Switchboard.Bot.Events;

/// <summary>
/// A growing list of events held as their compact bytes (<see cref="CompactEvents"/>, each after its length): what a
/// tracker activation keeps of its session between requests and what the embedded tracker store keeps of a
/// conversation. Reading makes new records. Not thread-safe.
/// </summary>
/// <remarks>
/// The bytes are kept in chunks of up to <see cref="ChunkSize"/>, never one array for the whole log: a log lives as
/// long as its conversation, so a single array growing by copies left every outgrown copy behind in the oldest
/// generation (and past 85 KB on the large-object heap, which is not compacted), where only a full collection finds
/// it. Filled chunks are trimmed to their bytes and never copied again; only the last one grows.
/// An event never spans two chunks (one larger than a chunk gets a chunk of its own).
/// </remarks>
public sealed class CompactEventLog
{
    /// <summary>Small enough to stay off the large-object heap and to make a copy cheap; a chunk holds ~40 events of a webhook turn.</summary>
    public const int ChunkSize = 8 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? scratch;

    /// <summary>The filled chunks, each exactly its bytes (null until the first chunk fills).</summary>
    private List<byte[]>? full;

    /// <summary>The chunk being filled, and how much of it is.</summary>
    private byte[] last = [];
    private int length;

    public CompactEventLog()
    {
    }

    public CompactEventLog(IEnumerable<TrackerEvent> events) => AppendRange(events);

    public int Count { get; private set; }

    /// <summary>The bytes the events take.</summary>
    public int ByteCount => (full?.Sum(c => c.Length) ?? 0) + length;

    /// <summary>The bytes held, used or not (what the log costs besides its objects' headers).</summary>
    public int Capacity => (full?.Sum(c => c.Length) ?? 0) + last.Length;

    public void Append(TrackerEvent e)
    {
        var buffer = scratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        CompactEvents.Write(new CompactWriter(buffer), e);
        var written = buffer.WrittenSpan;
        Span<byte> prefix = stackalloc byte[10];
        var prefixLength = CompactWriter.Number(prefix, (uint)written.Length);
        Reserve(prefixLength + written.Length);
        prefix[..prefixLength].CopyTo(last.AsSpan(length));
        written.CopyTo(last.AsSpan(length + prefixLength));
        length += prefixLength + written.Length;
        Count++;
        if (buffer.Capacity > 64 * 1024)
        {
            scratch = null; // one huge event does not pin its buffer to the thread
        }
    }

    public void AppendRange(IEnumerable<TrackerEvent> events)
    {
        foreach (var e in events)
        {
            Append(e);
        }
    }

    /// <summary>The events from index <paramref name="from"/> up to, not including, <paramref name="to"/> (the end when beyond it).</summary>
    public List<TrackerEvent> Read(int from = 0, int to = int.MaxValue)
    {
        to = Math.Min(to, Count);
        var events = new List<TrackerEvent>(Math.Max(0, to - from));
        var index = 0;
        for (var i = 0; i < (full?.Count ?? 0) && index < to; i++)
        {
            index = ReadChunk(full![i], index, from, to, events);
        }

        ReadChunk(last.AsSpan(0, length), index, from, to, events);
        return events;
    }

    /// <summary>Adds the events of <paramref name="chunk"/> (whose first is number <paramref name="index"/>) that fall in the range; returns the number after its last.</summary>
    private static int ReadChunk(ReadOnlySpan<byte> chunk, int index, int from, int to, List<TrackerEvent> events)
    {
        var reader = new CompactReader(chunk);
        for (; !reader.AtEnd && index < to; index++)
        {
            var record = reader.Take((int)reader.Number());
            if (index >= from)
            {
                var eventReader = new CompactReader(record);
                events.Add(CompactEvents.Read(ref eventReader));
            }
        }

        return index;
    }

    private void Reserve(int more)
    {
        if (length + more <= last.Length)
        {
            return;
        }

        if (length > 0 && length + more > ChunkSize)
        {
            // The chunk is full: keep exactly its bytes and start the next.
            (full ??= []).Add(length == last.Length ? last : last.AsSpan(0, length).ToArray());
            last = [];
            length = 0;
        }

        // The first chunk grows by a quarter (most conversations are short, and what a log holds unused at rest
        // matters more than the copies); once a conversation has filled one, the next ones double from 2 KB.
        var step = full is null ? Math.Max(256, length / 4) : Math.Max(2048, length);
        Array.Resize(ref last, Math.Max(length + more, Math.Min(ChunkSize, length + step)));
    }
}
