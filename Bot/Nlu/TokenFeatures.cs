using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// The features the entity tagger sees for each token: the word, its affixes and shape, its neighbours, and
/// whether lookup tables or regexes cover it. Lexical features of a token can be dropped (word dropout) so
/// the tagger also learns to rely on context and shape, which is what carries it to unseen values.
/// </summary>
public sealed class TokenFeatures(IReadOnlyList<RegexFeature> regexes, IReadOnlyDictionary<string, IReadOnlyList<string>> lookups)
{
    private readonly (string Name, FeatureRegex Regex)[] regexes = regexes.Select(r => (r.Name, new FeatureRegex(r.Pattern))).ToArray();
    private readonly (string Name, string[][] Phrases)[] lookups = lookups.Select(l => (l.Key, l.Value.Select(v => Tokenizer.Tokenize(v).Select(t => t.Lower).ToArray()).Where(p => p.Length > 0).ToArray())).ToArray();

    /// <summary>Features per token; the message's intent (gold in training, predicted in parsing) joins them, as in a joint model.</summary>
    public List<string>[] Extract(string text, IReadOnlyList<Token> tokens, string? intent, Func<int, bool>? dropLexical = null)
    {
        var lower = tokens.Select(t => t.Lower).ToArray();
        var shapes = tokens.Select(t => Shape(t.Text)).ToArray();
        var marks = Marks(text, tokens, lower);
        var result = new List<string>[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            var f = new List<string>(40) { "b", "sh=" + shapes[i], "len=" + Math.Min(lower[i].Length, 8) };
            if (intent is not null)
            {
                f.Add("in=" + intent);
                f.Add("in|sh=" + intent + "|" + shapes[i]);
                f.Add("in|w-1=" + intent + "|" + Word(lower, i - 1));
                f.Add("in|w+1=" + intent + "|" + Word(lower, i + 1));
            }

            var word = lower[i];
            if (dropLexical?.Invoke(i) != true)
            {
                f.Add("w=" + word);
                if (word.Length > 3)
                {
                    f.Add("p3=" + word[..3]);
                    f.Add("s3=" + word[^3..]);
                    f.Add("s2=" + word[^2..]);
                }
            }

            if (char.IsUpper(tokens[i].Text[0]))
            {
                f.Add(i == 0 ? "title0" : "title");
            }

            if (word.All(char.IsDigit))
            {
                f.Add("digit");
            }

            f.Add("w-1=" + Word(lower, i - 1));
            f.Add("w+1=" + Word(lower, i + 1));
            f.Add("w-2=" + Word(lower, i - 2));
            f.Add("w+2=" + Word(lower, i + 2));
            f.Add("w-2-1=" + Word(lower, i - 2) + "|" + Word(lower, i - 1));
            f.Add("w+1+2=" + Word(lower, i + 1) + "|" + Word(lower, i + 2));
            f.Add("sh-1=" + (i > 0 ? shapes[i - 1] : "^"));
            f.Add("w-1sh=" + Word(lower, i - 1) + "|" + shapes[i]);
            f.Add("sh-1sh+1=" + (i > 0 ? shapes[i - 1] : "^") + "|" + shapes[i] + "|" + (i + 1 < tokens.Count ? shapes[i + 1] : "$"));
            f.Add("sh+1=" + (i + 1 < tokens.Count ? shapes[i + 1] : "$"));
            foreach (var mark in marks[i])
            {
                f.Add(mark);
            }

            result[i] = f;
        }

        return result;
    }

    private List<string>[] Marks(string text, IReadOnlyList<Token> tokens, string[] lower)
    {
        var marks = tokens.Select(_ => new List<string>()).ToArray();
        foreach (var (name, regex) in this.regexes)
        {
            // Matches and tokens both run left to right: each match starts its scan at the first token not wholly
            // before it, so the cost is linear in the text, not tokens × matches.
            var first = 0;
            foreach (Match m in regex.Matches(text))
            {
                while (first < tokens.Count && tokens[first].End <= m.Index)
                {
                    first++;
                }

                for (var i = first; i < tokens.Count && tokens[i].Start < m.Index + m.Length; i++)
                {
                    marks[i].Add("rx=" + name);
                }
            }
        }

        foreach (var (name, phrases) in this.lookups)
        {
            foreach (var phrase in phrases)
            {
                for (var i = 0; i + phrase.Length <= lower.Length; i++)
                {
                    if (phrase.AsSpan().SequenceEqual(lower.AsSpan(i, phrase.Length)))
                    {
                        for (var k = 0; k < phrase.Length; k++)
                        {
                            marks[i + k].Add("lk=" + name);
                        }
                    }
                }
            }
        }

        return marks;
    }

    private static string Word(string[] words, int i) => i < 0 ? "^" : i >= words.Length ? "$" : words[i];

    /// <summary>Collapsed word shape: <c>Paris</c> → <c>Xx</c>, <c>42</c> → <c>d</c>, <c>7pm</c> → <c>dx</c>.</summary>
    public static string Shape(string word)
    {
        var shape = new StringBuilder(4);
        foreach (var c in word)
        {
            var s = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : c;
            if (shape.Length == 0 || shape[^1] != s)
            {
                shape.Append(s);
            }
        }

        return shape.ToString();
    }
}
