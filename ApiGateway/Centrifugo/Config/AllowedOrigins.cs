namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// Which browser origins may open client connections (<c>allowed_origins</c>), against cross-site WebSocket
/// hijacking: a page elsewhere cannot use a visitor's cookies or network position to connect. Patterns are matched
/// case-insensitively, <c>*</c> standing for any run of characters; with none, the origin must be the gateway's own
/// (its host and port as the request's <c>Host</c> says them).
/// </summary>
public sealed class AllowedOrigins(IReadOnlyList<string> patterns)
{
    private const int MaxOriginLength = 300;

    public IReadOnlyList<string> Patterns => patterns;

    /// <summary>A JSON array in the config file, or a comma-separated list from a flag or the environment.</summary>
    public static AllowedOrigins From(IConfiguration config)
    {
        var section = config.GetSection("allowed_origins");
        var listed = section.GetChildren().Select(child => child.Value).OfType<string>();
        var patterns = section.Value is { } text ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : listed;
        return new([.. patterns.Where(pattern => pattern.Length > 0)]);
    }

    /// <summary>Whether a request with <paramref name="origin"/> (null: none sent) to <paramref name="host"/> may connect.</summary>
    public bool Allow(string? origin, string host)
    {
        if (origin is null)
        {
            return true;
        }

        if (origin.Length > MaxOriginLength)
        {
            // Longer than any scheme, host and port: no pattern is tried on it (a star's matching grows with it).
            return false;
        }

        if (patterns.Count == 0)
        {
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Authority.Equals(host, StringComparison.OrdinalIgnoreCase);
        }

        return patterns.Any(pattern => Matches(pattern, origin));
    }

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> origin)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.Equals(origin, StringComparison.OrdinalIgnoreCase);
        }

        if (!origin.StartsWith(pattern[..star], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // The star takes as little or as much as the rest of the pattern needs.
        var rest = pattern[(star + 1)..];
        for (var at = star; at <= origin.Length; at++)
        {
            if (Matches(rest, origin[at..]))
            {
                return true;
            }
        }

        return false;
    }
}
