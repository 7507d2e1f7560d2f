using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>The node's counters for <c>node</c>/<c>stats</c>, incremented lock-free on the hot paths.</summary>
public sealed class NodeMetrics
{
    private long published;
    private long queued;
    private long sent;
    private long writes;
    private long apiRequests;
    private long clientRequests;
    private long bytesIn;
    private long bytesOut;
    private TimeSpan lastCpu;
    private long lastCpuSample = Stopwatch.GetTimestamp();
    private readonly ConcurrentDictionary<int, long> disconnects = new();

    public long Published => Interlocked.Read(ref published);
    public long Queued => Interlocked.Read(ref queued);
    public long Sent => Interlocked.Read(ref sent);

    /// <summary>Writes to clients' connections: <see cref="Sent"/> over this is how many messages a write carried.</summary>
    public long Writes => Interlocked.Read(ref writes);

    public long ApiRequests => Interlocked.Read(ref apiRequests);
    public long ClientRequests => Interlocked.Read(ref clientRequests);
    public long BytesIn => Interlocked.Read(ref bytesIn);
    public long BytesOut => Interlocked.Read(ref bytesOut);

    public void MessagePublished() => Interlocked.Increment(ref published);

    public void MessagesPublished(int count) => Interlocked.Add(ref published, count);

    public void MessagesQueued(int count) => Interlocked.Add(ref queued, count);

    /// <summary>One write to a client's connection carried <paramref name="count"/> messages.</summary>
    public void MessagesSent(int count, int bytes)
    {
        Interlocked.Increment(ref writes);
        Interlocked.Add(ref sent, count);
        Interlocked.Add(ref bytesOut, bytes);
    }

    /// <summary>Connections closed so far, by close code (3008 slow, 3005 expired, ...).</summary>
    public IReadOnlyDictionary<int, long> Disconnects => disconnects;

    public void ApiRequest() => Interlocked.Increment(ref apiRequests);

    public void Disconnected(int code) => disconnects.AddOrUpdate(code, 1, static (_, n) => n + 1);

    public void ClientRequest(int bytes)
    {
        Interlocked.Increment(ref clientRequests);
        Interlocked.Add(ref bytesIn, bytes);
    }

    /// <summary>Process CPU use since the previous call, in percent of all processors.</summary>
    public double SampleCpuUsage()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        lock (this)
        {
            var wall = Stopwatch.GetElapsedTime(lastCpuSample, now);
            var used = cpu - lastCpu;
            lastCpu = cpu;
            lastCpuSample = now;
            return wall <= TimeSpan.Zero ? 0 : Math.Round(100 * used.TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount, 2);
        }
    }
}
