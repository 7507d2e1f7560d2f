using System.Buffers;

namespace Switchboard.Bot.Events;

/// <summary>
/// A growing list of events held as their compact bytes (<see cref="CompactEvents"/>, each after its length) in one
/// array: what a tracker activation keeps of its session between requests and what the embedded tracker store keeps
/// of a conversation. Reading makes new records. Not thread-safe.
/// </summary>
public sealed class CompactEventLog
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? scratch;

    private byte[] bytes = [];
    private int length;

    public CompactEventLog()
    {
    }

    public CompactEventLog(IEnumerable<TrackerEvent> events) => AppendRange(events);

    public int Count { get; private set; }

    /// <summary>The bytes the events take.</summary>
    public int ByteCount => length;

    public void Append(TrackerEvent e)
    {
        var buffer = scratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        CompactEvents.Write(new CompactWriter(buffer), e);
        var written = buffer.WrittenSpan;
        Span<byte> prefix = stackalloc byte[10];
        var prefixLength = CompactWriter.Number(prefix, (uint)written.Length);
        Reserve(prefixLength + written.Length);
        prefix[..prefixLength].CopyTo(bytes.AsSpan(length));
        written.CopyTo(bytes.AsSpan(length + prefixLength));
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
        var reader = new CompactReader(bytes.AsSpan(0, length));
        for (var i = 0; i < to; i++)
        {
            var size = (int)reader.Number();
            var record = reader.Take(size);
            if (i >= from)
            {
                var eventReader = new CompactReader(record);
                events.Add(CompactEvents.Read(ref eventReader));
            }
        }

        return events;
    }

    private void Reserve(int more)
    {
        if (length + more <= bytes.Length)
        {
            return;
        }

        // Grows by an eighth (at least 256 bytes): a log lives as long as its conversation, so what it holds unused
        // at rest matters more than the copies (a turn appends ~250 bytes; a 100-event log is ~5 KB).
        Array.Resize(ref bytes, length + more + Math.Max(256, length / 8));
    }
}
