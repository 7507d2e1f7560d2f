namespace Switchboard.Bot.Nlu;

/// <summary>
/// The features the entity tagger sees for each token (Rasa's <c>LexicalSyntacticFeaturizer</c> and the token half
/// of <c>RegexFeaturizer</c>): the word, its affixes and shape, its neighbours and the words further left, the lexicon entries covering it and
/// its neighbours, and the message's intent (gold in training, predicted in parsing) joined with some of them,
/// as in a joint model. Features are 64-bit keys (<see cref="FeatureHash"/>). Lexical features of a token can be
/// dropped (word dropout) so the tagger also learns to rely on context, shape and lexicon, which is what carries
/// it to values it never saw.
/// </summary>
public static class TokenFeatures
{
    /// <summary>
    /// How far left, beyond the ±2 window, the words before a token count (as a bag, near (3–4) or far (5–12)):
    /// what decides a value's role is often said well before it ("arriving in Denver in the morning", "leaving
    /// on Tuesday"). Chosen on the development splits of ATIS (entity F1 +1.2) and SNIPS (−0.7).
    /// </summary>
    private const int FarLeft = 12;

    /// <summary>The clusters of a token's neighbours, as bits of their signatures (64 clusters).</summary>
    private const int NeighbourClusterBits = 6;

    /// <summary>
    /// The word-vector clusters of a token as features, coarse to fine (64, 1,024 and 16,384 clusters: the first
    /// bits of <see cref="WordVectors.Signature"/>), and of its neighbours at the coarsest. Chosen on the development
    /// splits against 8/12/16 bits with neighbours at 8 and 8/12 without neighbours (entity F1: SNIPS 0.943 → 0.949,
    /// 0.952, 0.948; ATIS 0.960 → 0.961, 0.958, 0.959). The clusters are coarse: on a fixture of 20 values never seen
    /// in training, said in the same words as two types, they typed no more of them right (11 with, 11 without).
    /// </summary>
    private static readonly int[] ClusterBits = [6, 10, 14];

    private static readonly ulong Start = FeatureHash.Of("\u0002^");
    private static readonly ulong End = FeatureHash.Of("\u0002$");
    private static readonly ulong[] T = Enumerable.Range(100, 40).Select(FeatureHash.Template).ToArray();

    /// <summary>
    /// Lexicon names per token, from the matches of a message. Each match finds its first token by binary search
    /// (tokens are in text order) and marks only the tokens it covers, so the cost grows with the text, not with
    /// tokens × matches.
    /// </summary>
    public static List<string>[] Marks(IReadOnlyList<Token> tokens, IReadOnlyList<LexiconMatch> matches)
    {
        var marks = new List<string>[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            marks[i] = [];
        }

        foreach (var m in matches)
        {
            var first = 0;
            var last = tokens.Count;
            while (first < last)
            {
                var middle = (first + last) / 2;
                if (tokens[middle].End <= m.Start)
                {
                    first = middle + 1;
                }
                else
                {
                    last = middle;
                }
            }

            for (var i = first; i < tokens.Count && tokens[i].Start < m.End; i++)
            {
                if (!marks[i].Contains(m.Name))
                {
                    marks[i].Add(m.Name);
                }
            }
        }

        return marks;
    }

    /// <param name="clusters">Each token's <see cref="WordVectors.Signature"/>, or null without word vectors.</param>
    /// <param name="context">
    /// Each token's <see cref="TokenClusters"/> (coarse to fine), or null without the sentence encoder: the token's
    /// cluster at every level and its neighbours' coarsest. Kept under word dropout, as the word clusters are: they
    /// say what the token is where it stands, which is what carries the tagger to values it never saw.
    /// </param>
    public static ulong[][] Extract(IReadOnlyList<Token> tokens, string? intent, List<string>[] marks, Func<int, bool>? dropLexical = null, int[]? clusters = null, int[][]? context = null)
    {
        var n = tokens.Count;
        var words = new ulong[n];
        var shapes = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            words[i] = FeatureHash.Of(tokens[i].Text);
            shapes[i] = Shape(tokens[i].Text);
        }

        ulong Word(int i) => i < 0 ? Start : i >= n ? End : words[i];
        ulong ShapeAt(int i) => i < 0 ? Start : i >= n ? End : shapes[i];
        var intentKey = intent is null ? 0UL : FeatureHash.Of(intent);
        var result = new ulong[n][];
        var f = new List<ulong>(48);
        for (var i = 0; i < n; i++)
        {
            f.Clear();
            var text = tokens[i].Text;
            f.Add(T[0]);
            f.Add(FeatureHash.Combine(T[1], shapes[i]));
            f.Add(FeatureHash.Combine(T[2], (ulong)Math.Min(text.Length, 8)));
            if (intent is not null)
            {
                f.Add(FeatureHash.Combine(T[3], intentKey));
                f.Add(FeatureHash.Combine(T[4], intentKey, shapes[i]));
                f.Add(FeatureHash.Combine(T[5], intentKey, Word(i - 1)));
                f.Add(FeatureHash.Combine(T[6], intentKey, Word(i + 1)));
            }

            if (dropLexical?.Invoke(i) != true)
            {
                f.Add(FeatureHash.Combine(T[7], words[i]));
                if (text.Length > 3)
                {
                    f.Add(FeatureHash.Combine(T[8], FeatureHash.Of(text.AsSpan(0, 3))));
                    f.Add(FeatureHash.Combine(T[9], FeatureHash.Of(text.AsSpan(text.Length - 3))));
                    f.Add(FeatureHash.Combine(T[10], FeatureHash.Of(text.AsSpan(text.Length - 2))));
                }

                if (intent is not null)
                {
                    f.Add(FeatureHash.Combine(T[11], intentKey, words[i]));
                }
            }

            if (char.IsUpper(text[0]))
            {
                f.Add(T[i == 0 ? 12 : 13]);
            }

            f.Add(FeatureHash.Combine(T[14], Word(i - 1)));
            f.Add(FeatureHash.Combine(T[15], Word(i + 1)));
            f.Add(FeatureHash.Combine(T[16], Word(i - 2)));
            f.Add(FeatureHash.Combine(T[17], Word(i + 2)));
            f.Add(FeatureHash.Combine(T[18], Word(i - 2), Word(i - 1)));
            f.Add(FeatureHash.Combine(T[19], Word(i + 1), Word(i + 2)));
            f.Add(FeatureHash.Combine(T[20], Word(i - 1), Word(i + 1)));
            f.Add(FeatureHash.Combine(T[21], ShapeAt(i - 1)));
            f.Add(FeatureHash.Combine(T[22], ShapeAt(i + 1)));
            f.Add(FeatureHash.Combine(T[23], Word(i - 1), shapes[i]));
            f.Add(FeatureHash.Combine(T[24], FeatureHash.Combine(ShapeAt(i - 1), shapes[i]), ShapeAt(i + 1)));
            for (var k = i - 3; k >= 0 && k >= i - FarLeft; k--)
            {
                f.Add(FeatureHash.Combine(T[30], words[k], k >= i - 4 ? 1UL : 2UL));
            }

            if (clusters is not null)
            {
                foreach (var bits in ClusterBits)
                {
                    f.Add(FeatureHash.Combine(T[31], (ulong)bits, Cluster(clusters[i], bits)));
                }

                f.Add(FeatureHash.Combine(T[32], i > 0 ? Cluster(clusters[i - 1], NeighbourClusterBits) : Start));
                f.Add(FeatureHash.Combine(T[33], i + 1 < n ? Cluster(clusters[i + 1], NeighbourClusterBits) : End));
            }

            if (context is not null)
            {
                foreach (var (level, cluster) in context[i].Index())
                {
                    f.Add(FeatureHash.Combine(T[34], (ulong)level, (ulong)cluster));
                }

                f.Add(FeatureHash.Combine(T[35], i > 0 ? Coarsest(context[i - 1]) : Start));
                f.Add(FeatureHash.Combine(T[36], i + 1 < n ? Coarsest(context[i + 1]) : End));
            }

            foreach (var mark in marks[i])
            {
                var key = FeatureHash.Of(mark);
                f.Add(FeatureHash.Combine(T[25], key));
                f.Add(FeatureHash.Combine(T[26], key, Word(i - 1)));
                if (intent is not null)
                {
                    f.Add(FeatureHash.Combine(T[27], key, intentKey));
                }
            }

            if (i > 0)
            {
                foreach (var mark in marks[i - 1])
                {
                    f.Add(FeatureHash.Combine(T[28], FeatureHash.Of(mark)));
                }
            }

            if (i + 1 < n)
            {
                foreach (var mark in marks[i + 1])
                {
                    f.Add(FeatureHash.Combine(T[29], FeatureHash.Of(mark)));
                }
            }

            result[i] = f.ToArray();
        }

        return result;
    }

    /// <summary>A token's coarsest contextual cluster (a value no cluster has for a token without a vector).</summary>
    private static ulong Coarsest(int[] path) => path.Length > 0 ? (ulong)path[0] : int.MaxValue;

    /// <summary>The cluster of a word among 2^bits (0 for a word without a vector).</summary>
    private static ulong Cluster(int signature, int bits) => (ulong)(signature >> (WordVectors.SignatureBits - bits));

    /// <summary>The hash of the collapsed word shape: <c>Paris</c> → <c>Xx</c>, <c>42</c> → <c>d</c>, <c>7pm</c> → <c>dx</c>.</summary>
    private static ulong Shape(string word)
    {
        Span<char> shape = stackalloc char[Math.Min(word.Length, 16)];
        var length = 0;
        foreach (var c in word)
        {
            var s = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : c;
            if ((length == 0 || shape[length - 1] != s) && length < shape.Length)
            {
                shape[length++] = s;
            }
        }

        // Shapes keep their case: FeatureHash.Of lower-cases, so 'X' is folded in as a distinct marker.
        var h = 0UL;
        foreach (var c in shape[..length])
        {
            h = FeatureHash.Combine(h, c);
        }

        return h;
    }
}
