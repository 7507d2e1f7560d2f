using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// Caps the connections the gateway holds open at once on all its listeners (client transports, the HTTP APIs, the
/// gRPC API): each is a file descriptor, and a process out of descriptors fails everywhere at once (Kestrel retries a
/// failing accept at once, in a loop; the cluster client cannot reconnect; files do not open). A connection over the
/// cap is closed as soon as it is accepted, before anything of it is read, and the process keeps the descriptors
/// under its limit for everything else. One warning a minute at most says so (<c>max_connections</c>).
/// </summary>
public sealed class OpenConnections(int limit, ILogger<OpenConnections> logger)
{
    /// <summary>The configuration key; absent, the cap follows the descriptor limit (<see cref="DescriptorLimit"/>); 0: no cap.</summary>
    public const string Key = "max_connections";

    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);

    private int open;
    private long refused;
    private long warnedAt;

    public int Limit => limit;

    /// <summary>Connections open now, on all listeners.</summary>
    public int Open => Volatile.Read(ref open);

    /// <summary>Connections closed over the cap since start.</summary>
    public long Refused => Interlocked.Read(ref refused);

    /// <summary>
    /// The cap from configuration: <c>max_connections</c> when set (0: none), else what the descriptor limit leaves,
    /// read once; and the start-up warning when the descriptor limit, not the operator, leaves fewer than 4,096
    /// connections (a shell's usual <c>ulimit -n</c> of 1,024 leaves 512), else null.
    /// </summary>
    public static (int Limit, string? Warning) FromConfiguration(IConfiguration config)
    {
        if (config.GetValue<int?>(Key) is { } set)
        {
            return (set <= 0 ? int.MaxValue : set, null);
        }

        var files = DescriptorLimit.OpenFiles();
        var limit = DescriptorLimit.ConnectionsFor(files);
        return (limit, limit < 4096
            ? $"WARNING: this process may open {files} files, so it holds at most {limit} connections at once ({Key}); raise its open-files limit (ulimit -n, LimitNOFILE, nofile) to serve more."
            : null);
    }

    /// <summary>Puts the cap in front of a listener's connection pipeline, before anything waits on the connection.</summary>
    public void Guard(ListenOptions listen) => listen.Use(next => connection => OnConnection(connection, next));

    private async Task OnConnection(ConnectionContext connection, ConnectionDelegate next)
    {
        if (Interlocked.Increment(ref open) > limit)
        {
            Interlocked.Decrement(ref open);
            Refuse();
            await connection.DisposeAsync();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref open);
        }
    }

    /// <summary>Counts a refusal; the first after a quiet minute logs how many there were since the last warning.</summary>
    private void Refuse()
    {
        var count = Interlocked.Increment(ref refused);
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref warnedAt);
        if ((last == 0 || Stopwatch.GetElapsedTime(last, now) >= WarnEvery) && Interlocked.CompareExchange(ref warnedAt, now, last) == last)
        {
            logger.LogWarning(
                "{Open} connections open, the limit ({Key} {Limit}): new connections are closed at once ({Refused} so far)",
                Volatile.Read(ref open), Key, limit, count);
        }
    }
}
