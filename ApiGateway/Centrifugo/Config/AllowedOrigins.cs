using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// Which browser origins may open client connections (<c>allowed_origins</c>), against cross-site WebSocket
/// hijacking: a page elsewhere cannot use a visitor's cookies or network position to connect. Patterns are matched
/// case-insensitively as the <c>channels</c> method's patterns are (<see cref="ChannelPattern"/>: <c>*</c> for any run
/// of characters, <c>?</c> for one); with none, the origin must be the gateway's own
/// (its host and port as the request's <c>Host</c> says them).
/// </summary>
public sealed class AllowedOrigins(IReadOnlyList<string> patterns)
{
    private const int MaxOriginLength = 300;

    /// <summary>The patterns lower-cased once, not per connection.</summary>
    private readonly string[] lowered = [.. patterns.Select(pattern => pattern.ToLowerInvariant())];

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
            // Longer than any scheme, host and port: no pattern is tried on it.
            return false;
        }

        if (lowered.Length == 0)
        {
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Authority.Equals(host, StringComparison.OrdinalIgnoreCase);
        }

        var lower = origin.ToLowerInvariant();
        return lowered.Any(pattern => ChannelPattern.Matches(pattern, lower));
    }
}
