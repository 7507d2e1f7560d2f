using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// A linear-chain sequence tagger over BILOU tags trained as an averaged structured perceptron, decoded
/// with Viterbi under the BILOU constraints. A tag type is the entity with its role and group, so one
/// model predicts all three.
/// </summary>
public sealed class EntityTagger
{
    private const double WordDropout = 0.5;

    private readonly string[] types;
    private readonly Dictionary<string, float[]> weights;
    private readonly float[] transitions;
    private readonly int tagCount;

    private EntityTagger(string[] types, Dictionary<string, float[]> weights, float[] transitions)
    {
        this.types = types;
        this.weights = weights;
        this.transitions = transitions;
        this.tagCount = 1 + 4 * types.Length;
    }

    public bool IsEmpty => this.types.Length == 0;

    public static EntityTagger Train(IReadOnlyList<NluExample> examples, TokenFeatures features, int epochs, int seed = 1)
    {
        var types = examples.SelectMany(e => e.Entities).Select(TypeOf).Distinct().Order(StringComparer.Ordinal).ToArray();
        var tagCount = 1 + 4 * types.Length;
        var sentences = examples
            .Select(e => (Example: e, Tokens: Tokenizer.Tokenize(e.Text)))
            .Where(s => s.Tokens.Count > 0)
            .Select(s => (s.Example, s.Tokens, Gold: GoldTags(s.Example, s.Tokens, types)))
            .ToList();

        var trainer = new Trainer(tagCount);
        var random = new Random(seed);
        if (types.Length > 0)
        {
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                foreach (var (example, tokens, gold) in sentences.OrderBy(_ => random.Next()))
                {
                    var inside = gold.Select(t => t != 0).ToArray();
                    var feats = features.Extract(example.Text, tokens, example.Intent, i => inside[i] && random.NextDouble() < WordDropout);
                    var predicted = Viterbi(Emissions(feats, tagCount, f => trainer.Current(f)), tagCount, trainer.CurrentTransitions);
                    trainer.Update(feats, gold, predicted);
                }
            }
        }

        var (weights, transitions) = trainer.Averaged();
        return new EntityTagger(types, weights, transitions);
    }

    /// <summary>Entities as (type, start token, end token exclusive, confidence).</summary>
    public List<(string Entity, string? Role, string? Group, int Start, int End, double Confidence)> Tag(string text, IReadOnlyList<Token> tokens, string? intent, TokenFeatures features)
    {
        var result = new List<(string, string?, string?, int, int, double)>();
        if (this.types.Length == 0 || tokens.Count == 0)
        {
            return result;
        }

        var feats = features.Extract(text, tokens, intent);
        var emission = Emissions(feats, this.tagCount, f => this.weights.GetValueOrDefault(f));
        var tags = Viterbi(emission, this.tagCount, this.transitions);
        for (var i = 0; i < tags.Length; i++)
        {
            if (tags[i] == 0)
            {
                continue;
            }

            var type = (tags[i] - 1) / 4;
            var start = i;
            while (i < tags.Length - 1 && (tags[i] - 1) % 4 is 0 or 1 && tags[i + 1] != 0 && (tags[i + 1] - 1) / 4 == type)
            {
                i++;
            }

            var confidence = Enumerable.Range(start, i - start + 1).Average(k => TagProbability(emission, tags, k));
            var (entity, role, group) = Split(this.types[type]);
            result.Add((entity, role, group, start, i + 1, confidence));
        }

        return result;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(this.types.Length);
        foreach (var type in this.types)
        {
            writer.Write(type);
        }

        writer.Write(this.transitions.Length);
        foreach (var t in this.transitions)
        {
            writer.Write(t);
        }

        writer.Write(this.weights.Count);
        foreach (var (feature, weights) in this.weights)
        {
            writer.Write(feature);
            foreach (var w in weights)
            {
                writer.Write(w);
            }
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote; counts that the stream cannot hold are refused before anything is allocated for them.</summary>
    public static EntityTagger Load(BinaryReader reader)
    {
        var types = new string[Count(reader, bytesEach: 1)];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = reader.ReadString();
        }

        var tagCount = 1 + 4 * types.Length;
        var transitions = new float[Count(reader, bytesEach: sizeof(float))];
        if (transitions.Length != (tagCount + 1L) * tagCount)
        {
            throw new InvalidDataException($"the entity tagger has {transitions.Length} transition weights, expected {(tagCount + 1L) * tagCount}");
        }

        for (var i = 0; i < transitions.Length; i++)
        {
            transitions[i] = reader.ReadSingle();
        }

        var count = Count(reader, bytesEach: 1 + (long)tagCount * sizeof(float));
        var weights = new Dictionary<string, float[]>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var feature = reader.ReadString();
            var w = new float[tagCount];
            for (var k = 0; k < tagCount; k++)
            {
                w[k] = reader.ReadSingle();
            }

            weights[feature] = w;
        }

        return new EntityTagger(types, weights, transitions);
    }

    private static int Count(BinaryReader reader, long bytesEach)
    {
        var count = reader.ReadInt32();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && count <= left / bytesEach
            ? count
            : throw new InvalidDataException($"the entity tagger is damaged: a count of {count} does not fit in the {left} bytes left");
    }

    /// <summary>
    /// How sure the tagger is of one token's tag: a softmax over the tags that fit between its neighbours'
    /// tags, scored by emission and both transitions.
    /// </summary>
    private double TagProbability(double[,] emission, int[] tags, int k)
    {
        var n = tags.Length;
        var previous = k == 0 ? -1 : tags[k - 1];
        var scores = new List<(int Tag, double Score)>();
        for (var t = 0; t < this.tagCount; t++)
        {
            if (!Allowed(previous, t, this.tagCount) || !Allowed(t, k + 1 < n ? tags[k + 1] : this.tagCount, this.tagCount))
            {
                continue;
            }

            var score = emission[k, t] + this.transitions[(previous < 0 ? this.tagCount : previous) * this.tagCount + t] + (k + 1 < n ? this.transitions[t * this.tagCount + tags[k + 1]] : 0);
            scores.Add((t, score));
        }

        var max = scores.Max(s => s.Score);
        var sum = scores.Sum(s => Math.Exp(s.Score - max));
        return Math.Exp(scores.First(s => s.Tag == tags[k]).Score - max) / sum;
    }

    private static string TypeOf(EntitySpan span) => span.Entity + "\u001f" + span.Role + "\u001f" + span.Group;

    private static (string Entity, string? Role, string? Group) Split(string type)
    {
        var parts = type.Split('\u001f');
        return (parts[0], parts[1].Length == 0 ? null : parts[1], parts[2].Length == 0 ? null : parts[2]);
    }

    /// <summary>Tag ids: 0 = O, then per type B, I, L, U.</summary>
    private static int[] GoldTags(NluExample example, List<Token> tokens, string[] types)
    {
        var tags = new int[tokens.Count];
        foreach (var span in example.Entities)
        {
            var type = Array.IndexOf(types, TypeOf(span));
            var covered = Enumerable.Range(0, tokens.Count).Where(i => tokens[i].Start < span.End && tokens[i].End > span.Start).ToList();
            if (covered.Count == 0)
            {
                continue;
            }

            var b = 1 + 4 * type;
            if (covered.Count == 1)
            {
                tags[covered[0]] = b + 3;
                continue;
            }

            tags[covered[0]] = b;
            foreach (var i in covered.Skip(1).SkipLast(1))
            {
                tags[i] = b + 1;
            }

            tags[covered[^1]] = b + 2;
        }

        return tags;
    }

    /// <summary>Whether BILOU allows <paramref name="to"/> after <paramref name="from"/> (-1 = start, tagCount = end).</summary>
    private static bool Allowed(int from, int to, int tagCount)
    {
        var fromOpen = from > 0 && from < tagCount && (from - 1) % 4 is 0 or 1;
        if (to == tagCount)
        {
            return !fromOpen;
        }

        var toContinues = to > 0 && (to - 1) % 4 is 1 or 2;
        return fromOpen ? toContinues && (to - 1) / 4 == (from - 1) / 4 : !toContinues;
    }

    private static double[,] Emissions(List<string>[] feats, int tagCount, Func<string, float[]?> weights)
    {
        var emission = new double[feats.Length, tagCount];
        for (var i = 0; i < feats.Length; i++)
        {
            foreach (var f in feats[i])
            {
                if (weights(f) is { } w)
                {
                    for (var k = 0; k < tagCount; k++)
                    {
                        emission[i, k] += w[k];
                    }
                }
            }
        }

        return emission;
    }

    private static int[] Viterbi(double[,] emission, int tagCount, float[] transitions)
    {
        var n = emission.GetLength(0);
        var score = new double[n, tagCount];
        var back = new int[n, tagCount];
        for (var k = 0; k < tagCount; k++)
        {
            score[0, k] = Allowed(-1, k, tagCount) ? emission[0, k] + transitions[tagCount * tagCount + k] : double.NegativeInfinity;
        }

        for (var i = 1; i < n; i++)
        {
            for (var k = 0; k < tagCount; k++)
            {
                var best = double.NegativeInfinity;
                var arg = 0;
                for (var p = 0; p < tagCount; p++)
                {
                    if (!Allowed(p, k, tagCount))
                    {
                        continue;
                    }

                    var s = score[i - 1, p] + transitions[p * tagCount + k];
                    if (s > best)
                    {
                        best = s;
                        arg = p;
                    }
                }

                score[i, k] = best + emission[i, k];
                back[i, k] = arg;
            }
        }

        var last = 0;
        var top = double.NegativeInfinity;
        for (var k = 0; k < tagCount; k++)
        {
            if (Allowed(k, tagCount, tagCount) && score[n - 1, k] > top)
            {
                top = score[n - 1, k];
                last = k;
            }
        }

        var tags = new int[n];
        tags[n - 1] = last;
        for (var i = n - 1; i > 0; i--)
        {
            tags[i - 1] = back[i, tags[i]];
        }

        return tags;
    }

    /// <summary>Perceptron weights with the running sums that make their average (the lazy-update trick).</summary>
    private sealed class Trainer(int tagCount)
    {
        private readonly Dictionary<string, (float[] W, float[] U)> features = new(StringComparer.Ordinal);
        private readonly float[] transitions = new float[(tagCount + 1) * tagCount];
        private readonly float[] transitionSums = new float[(tagCount + 1) * tagCount];
        private int step = 1;

        public float[] CurrentTransitions => this.transitions;

        public float[]? Current(string feature) => this.features.TryGetValue(feature, out var f) ? f.W : null;

        public void Update(List<string>[] feats, int[] gold, int[] predicted)
        {
            if (!gold.AsSpan().SequenceEqual(predicted))
            {
                for (var i = 0; i < gold.Length; i++)
                {
                    if (gold[i] != predicted[i])
                    {
                        foreach (var f in feats[i])
                        {
                            if (!this.features.TryGetValue(f, out var w))
                            {
                                this.features[f] = w = (new float[tagCount], new float[tagCount]);
                            }

                            w.W[gold[i]] += 1;
                            w.U[gold[i]] += step;
                            w.W[predicted[i]] -= 1;
                            w.U[predicted[i]] -= step;
                        }
                    }

                    var gp = i == 0 ? tagCount : gold[i - 1];
                    var pp = i == 0 ? tagCount : predicted[i - 1];
                    if (gp != pp || gold[i] != predicted[i])
                    {
                        this.transitions[gp * tagCount + gold[i]] += 1;
                        transitionSums[gp * tagCount + gold[i]] += step;
                        this.transitions[pp * tagCount + predicted[i]] -= 1;
                        transitionSums[pp * tagCount + predicted[i]] -= step;
                    }
                }
            }

            step++;
        }

        public (Dictionary<string, float[]> Weights, float[] Transitions) Averaged()
        {
            var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var (feature, (w, u)) in this.features)
            {
                var avg = new float[tagCount];
                var any = false;
                for (var k = 0; k < tagCount; k++)
                {
                    avg[k] = w[k] - u[k] / step;
                    any |= Math.Abs(avg[k]) > 1e-6;
                }

                if (any)
                {
                    weights[feature] = avg;
                }
            }

            var transitions = new float[this.transitions.Length];
            for (var i = 0; i < transitions.Length; i++)
            {
                transitions[i] = this.transitions[i] - transitionSums[i] / step;
            }

            return (weights, transitions);
        }
    }
}
