using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>Duckling's <c>ordinal</c> dimension for English: "first", "twenty-second", "3rd", "21st".</summary>
public static partial class OrdinalParser
{
    private static readonly Dictionary<string, int> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["first"] = 1, ["second"] = 2, ["third"] = 3, ["fourth"] = 4, ["fifth"] = 5, ["sixth"] = 6, ["seventh"] = 7,
        ["eighth"] = 8, ["ninth"] = 9, ["tenth"] = 10, ["eleventh"] = 11, ["twelfth"] = 12, ["thirteenth"] = 13,
        ["fourteenth"] = 14, ["fifteenth"] = 15, ["sixteenth"] = 16, ["seventeenth"] = 17, ["eighteenth"] = 18,
        ["nineteenth"] = 19, ["twentieth"] = 20, ["thirtieth"] = 30, ["fortieth"] = 40, ["fiftieth"] = 50,
        ["sixtieth"] = 60, ["seventieth"] = 70, ["eightieth"] = 80, ["ninetieth"] = 90,
    };

    private static readonly Dictionary<string, int> Tens = new(StringComparer.OrdinalIgnoreCase)
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    public static IEnumerable<(int Start, int End, long Value)> Find(string text)
    {
        foreach (Match m in Ordinal().Matches(text))
        {
            if (m.Groups["digits"].Success)
            {
                if (long.TryParse(m.Groups["digits"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    yield return (m.Index, m.Index + m.Length, n);
                }

                continue;
            }

            var tens = m.Groups["tens"].Success ? Tens[m.Groups["tens"].Value] : 0;
            var unit = Words[m.Groups["word"].Value];
            if (tens == 0 || unit < 10)
            {
                yield return (m.Index, m.Index + m.Length, tens + unit);
            }
        }
    }

    [GeneratedRegex(@"\b(?:(?<digits>\d{1,9})(?:st|nd|rd|th)|(?:(?<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-])?(?<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth))\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Ordinal();
}
