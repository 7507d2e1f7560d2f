using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>
/// Numbers in English text as Duckling's <c>number</c> dimension finds them: digits ("2", "1,500", "2.5", "-3")
/// and words ("two", "twenty-one", "one hundred and five", "a dozen", "a couple").
/// </summary>
public static partial class NumberParser
{
    private static readonly Dictionary<string, long> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14,
        ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["dozen"] = 12, ["couple"] = 2,
    };

    private static readonly Dictionary<string, long> Tens = new(StringComparer.OrdinalIgnoreCase)
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    private static readonly Dictionary<string, long> Scales = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hundred"] = 100, ["thousand"] = 1_000, ["million"] = 1_000_000, ["billion"] = 1_000_000_000,
    };

    /// <summary>Every number in <paramref name="text"/>, left to right, without overlaps.</summary>
    public static List<(int Start, int End, double Value)> Find(string text)
    {
        var found = new List<(int, int, double)>();
        var words = Word().Matches(text).ToList();
        for (var i = 0; i < words.Count;)
        {
            var word = words[i];
            if (Digits().Match(word.Value) is { Success: true } digits && digits.Length == word.Length)
            {
                var start = word.Index > 0 && text[word.Index - 1] == '-' && (word.Index < 2 || !char.IsLetterOrDigit(text[word.Index - 2])) ? word.Index - 1 : word.Index;
                var value = double.Parse(word.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                found.Add((start, word.Index + word.Length, start < word.Index ? -value : value));
                i++;
                continue;
            }

            if (Spelled(text, words, i) is { } spelled)
            {
                found.Add((spelled.Start, spelled.End, spelled.Value));
                i = spelled.Next;
                continue;
            }

            i++;
        }

        return found;
    }

    /// <summary>A number written in words starting at word <paramref name="first"/>: "a"/"an" only before a scale or "dozen"/"couple".</summary>
    private static (int Start, int End, double Value, int Next)? Spelled(string text, List<Match> words, int first)
    {
        long total = 0, current = 0;
        var any = false;
        int end = 0, next = first, i = first;
        if (words[i].Value is "a" or "an" or "A" or "An" && i + 1 < words.Count && (Scales.ContainsKey(words[i + 1].Value) || words[i + 1].Value is "dozen" or "couple"))
        {
            current = 1;
            i++;
        }

        for (; i < words.Count; i++)
        {
            var w = words[i].Value;
            if (i > first && !Joined(text, words[i - 1], words[i]))
            {
                break;
            }

            if (w.Equals("and", StringComparison.OrdinalIgnoreCase) && any && i + 1 < words.Count && (Units.ContainsKey(words[i + 1].Value) || Tens.ContainsKey(words[i + 1].Value)))
            {
                continue;
            }

            if (w is "dozen" or "couple")
            {
                current = Math.Max(current, 1) * Units[w];
            }
            else if (Units.TryGetValue(w, out var unit))
            {
                current += unit;
            }
            else if (Tens.TryGetValue(w, out var ten))
            {
                current += ten;
            }
            else if (Scales.TryGetValue(w, out var scale) && any)
            {
                if (scale == 100)
                {
                    current *= scale;
                }
                else
                {
                    total += Math.Max(current, 1) * scale;
                    current = 0;
                }
            }
            else if (Scales.TryGetValue(w, out var leading) && current == 1)
            {
                current *= leading;
            }
            else
            {
                break;
            }

            any = true;
            end = words[i].Index + words[i].Length;
            next = i + 1;
        }

        return any ? (words[first].Index, end, total + current, next) : null;
    }

    /// <summary>Words of one number are separated by spaces or a hyphen only.</summary>
    private static bool Joined(string text, Match left, Match right)
    {
        var gap = text.AsSpan(left.Index + left.Length, right.Index - left.Index - left.Length);
        return gap.Length > 0 && gap.Trim().IsEmpty || gap is "-";
    }

    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+", RegexOptions.None, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Word();

    [GeneratedRegex(@"^(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$", RegexOptions.None, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Digits();
}
