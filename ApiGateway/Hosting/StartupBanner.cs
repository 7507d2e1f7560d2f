namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// What the gateway prints once it listens: where everything is and the credentials it generated.
/// Each API adds its own section while it is mapped.
/// </summary>
public sealed class StartupBanner
{
    private readonly List<string> lines = [];

    public void Add(string line)
    {
        lock (lines)
        {
            lines.Add(line);
        }
    }

    /// <summary>A warning goes to the banner and to the log, so it is seen wherever the operator reads (none: nothing).</summary>
    public void Warn(ILogger logger, string? warning)
    {
        if (warning is not null)
        {
            Add(warning);
            logger.LogWarning("{Warning}", warning);
        }
    }

    public string Render(string baseUrl)
    {
        lock (lines)
        {
            return string.Join(Environment.NewLine, lines.Select(l => l.Replace("{base}", baseUrl, StringComparison.Ordinal)));
        }
    }
}
