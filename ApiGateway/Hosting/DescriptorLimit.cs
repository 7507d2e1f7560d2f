namespace Switchboard.ApiGateway.Hosting;

/// <summary>How many files the process may open, and how many of them connections may take (<see cref="OpenConnections"/>).</summary>
public static class DescriptorLimit
{
    private const string LimitsFile = "/proc/self/limits";

    /// <summary>
    /// The soft limit on open files (Linux; .NET raises it to the hard limit as it starts), or null where it cannot be
    /// read or is unlimited.
    /// </summary>
    public static long? OpenFiles()
    {
        try
        {
            // "Max open files            20000                20000                files"
            var line = File.ReadLines(LimitsFile).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 3 } && long.TryParse(fields[3], out var soft) ? soft : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Connections a limit of <paramref name="files"/> leaves room for: the rest is kept for what the process opens
    /// besides: a tenth, at least 1,024 and at most 4,096, and never more than half. A gateway holds ~330 descriptors
    /// once started (mostly the assemblies the runtime keeps open), then cluster and Redis connections, model and log
    /// files. No limit known: no cap.
    /// </summary>
    public static int ConnectionsFor(long? files) =>
        files is { } n and > 1 ? (int)Math.Min(int.MaxValue, n - Math.Min(n / 2, Math.Clamp(n / 10, 1024, 4096))) : int.MaxValue;
}
