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

    public string Render(string baseUrl)
    {
        lock (lines)
        {
            return string.Join(Environment.NewLine, lines.Select(l => l.Replace("{base}", baseUrl, StringComparison.Ordinal)));
        }
    }
}
