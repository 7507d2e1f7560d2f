namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// The <c>channels</c> method's <c>pattern</c>: <c>*</c> matches any run of characters, <c>?</c> any one, <c>\</c>
/// escapes the next; everything else matches itself. An empty pattern matches every channel.
/// </summary>
public static class ChannelPattern
{
    /// <summary>Iterative, with one backtrack point (the last <c>*</c>): no recursion a long pattern could exhaust.</summary>
    public static bool Matches(string pattern, string channel)
    {
        if (pattern.Length == 0)
        {
            return true;
        }

        int p = 0, t = 0, star = -1, starText = 0;
        while (t < channel.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = ++p;
                starText = t;
            }
            else if (p < pattern.Length && Step(pattern, p, channel[t]) is var next and >= 0)
            {
                p = next;
                t++;
            }
            else if (star >= 0)
            {
                p = star;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Where the pattern goes on when its element at <paramref name="p"/> matches <paramref name="c"/>, else -1.</summary>
    private static int Step(string pattern, int p, char c) => pattern[p] switch
    {
        '?' => p + 1,
        '\\' when p + 1 < pattern.Length => pattern[p + 1] == c ? p + 2 : -1,
        var literal => literal == c ? p + 1 : -1,
    };
}
