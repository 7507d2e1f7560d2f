namespace Switchboard.Bot.Model;

/// <summary>
/// Bounds of a model file while it is read: the bytes all entries (and the archives inside them) expand to, and
/// how far an entry over a megabyte may expand per compressed byte (trained entries reach about 12, a zip bomb
/// about 1,000). A file over either is refused before it is expanded further.
/// </summary>
public sealed record ModelFileLimits(long MaxExpandedBytes, int MaxCompressionRatio)
{
    public static ModelFileLimits Default { get; } = new(256L * 1024 * 1024, 100);

    /// <summary>Entries up to this size may have any ratio (a small file of repeated text compresses well).</summary>
    public const long RatioCheckedFrom = 1024 * 1024;
}
