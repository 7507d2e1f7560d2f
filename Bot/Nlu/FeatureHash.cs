namespace Switchboard.Bot.Nlu;

/// <summary>
/// 64-bit feature keys: a feature is a template id combined with the hashes of the words, n-grams or labels it
/// reads, so featurising a message builds no strings. Collisions at 64 bits are negligible for vocabularies of
/// a few million features.
/// </summary>
public static class FeatureHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>FNV-1a of the lower-cased characters, so callers need not lower-case first.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var h = Offset;
        foreach (var c in text)
        {
            h = (h ^ char.ToLowerInvariant(c)) * Prime;
        }

        return Finish(h);
    }

    public static ulong Of(string text) => Of(text.AsSpan());

    public static ulong Combine(ulong a, ulong b) => Finish(a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL));

    public static ulong Combine(ulong a, ulong b, ulong c) => Combine(Combine(a, b), c);

    /// <summary>A template id (a small constant per kind of feature) as a key.</summary>
    public static ulong Template(int id) => Finish((ulong)id * 0xD6E8FEB86659FD93UL + 1);

    /// <summary>The murmur3 finaliser: spreads every input bit over the key.</summary>
    private static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB93FE1A85EC3UL;
        h ^= h >> 33;
        return h;
    }
}
