using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu;

/// <summary>Splits on white space and punctuation, keeping words such as <c>don't</c>, <c>e-mail</c> and <c>3.5</c> whole.</summary>
public static partial class Tokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        foreach (Match m in Word().Matches(text))
        {
            tokens.Add(new Token(m.Value, m.Index, m.Index + m.Length));
        }

        return tokens;
    }

    [GeneratedRegex(@"\w+(?:['’\-\.:/]\w+)*|[^\w\s]", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
