using System.Numerics;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// A linear-chain sequence tagger over BILOU tags trained as an averaged structured perceptron, decoded with
/// Viterbi under the BILOU constraints. A tag type is the entity with its role and group, so one model predicts
/// all three. Its cost grows linearly with the number of tag types, not with its square: transitions are scored
/// between tag kinds (O, B, I, L, U), so the best predecessor of every tag comes from the three best closing
/// tags or its own B/I; a feature keeps weights only for the tags it was ever updated for, as a short list, or a
/// whole row added a vector register at a time once it has many.
/// </summary>
public sealed class EntityTagger
{
    private const double WordDropout = 0.5;

    /// <summary>Kinds of tag: O, B, I, L, U; transition rows add the sentence start and columns the end.</summary>
    private const int O = 0, B = 1, I = 2, L = 3, U = 4, Edge = 5, Kinds = 6;

    /// <summary>
    /// Passes the tagger goes on for, past fewer configured epochs, while its averaged weights still tag one of its
    /// own training examples otherwise than annotated: the default pipeline's. A pass here is not one of DIET's
    /// epochs: formbot's <c>epochs: 1</c> left one pass, whose average lost 7–16 of its 132 training spans (seeds
    /// 1–5), "my feedback is good" among them; a user expects the examples they wrote to be reproduced.
    /// </summary>
    private static readonly int FitEpochs = NluSettings.Default.Epochs;

    private readonly string[] types;
    private readonly Dictionary<ulong, Row> weights;
    private readonly float[] transitions;
    private readonly int tagCount;

    private EntityTagger(string[] types, Dictionary<ulong, Row> weights, float[] transitions)
    {
        this.types = types;
        this.weights = weights;
        this.transitions = transitions;
        this.tagCount = 1 + 4 * types.Length;
    }

    public bool IsEmpty => types.Length == 0;

    /// <summary>Entity types (entity, role, group) the tagger can predict.</summary>
    public int TypeCount => types.Length;

    /// <param name="features">The features of an example's tokens, given which tokens' lexical features to drop.</param>
    /// <param name="progress">Called after each epoch with the share of training done.</param>
    public static EntityTagger Train(
        IReadOnlyList<NluExample> examples,
        Func<NluExample, List<Token>, Func<int, bool>, ulong[][]> features,
        int epochs,
        int seed = 1,
        Action<double>? progress = null)
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
        var most = Math.Max(epochs, FitEpochs);
        for (var epoch = 0; types.Length > 0 && epoch < most; epoch++)
        {
            if (epoch >= epochs && trainer.Averaged(types).Reproduces(sentences, features))
            {
                progress?.Invoke(1);
                break;
            }

            foreach (var (example, tokens, gold) in sentences.OrderBy(_ => random.Next()))
            {
                var feats = features(example, tokens, i => gold[i] != 0 && random.NextDouble() < WordDropout);
                var predicted = Viterbi(Emissions(feats, tagCount, trainer.Weights), feats.Length, tagCount, trainer.Transitions);
                trainer.Update(feats, gold, predicted);
            }

            progress?.Invoke((epoch + 1) / (double)most);
        }

        return trainer.Averaged(types);
    }

    /// <summary>Entities as (type, start token, end token exclusive, confidence).</summary>
    public List<(string Entity, string? Role, string? Group, int Start, int End, double Confidence)> Tag(ulong[][] features)
    {
        var result = new List<(string, string?, string?, int, int, double)>();
        if (types.Length == 0 || features.Length == 0)
        {
            return result;
        }

        var emission = Emissions(features, tagCount, weights);
        var tags = Viterbi(emission, features.Length, tagCount, transitions);
        for (var i = 0; i < tags.Length; i++)
        {
            if (tags[i] == 0)
            {
                continue;
            }

            var type = TypeIndex(tags[i]);
            var start = i;
            while (i < tags.Length - 1 && Kind(tags[i]) is B or I && tags[i + 1] != 0 && TypeIndex(tags[i + 1]) == type)
            {
                i++;
            }

            var confidence = 0.0;
            for (var k = start; k <= i; k++)
            {
                confidence += TagProbability(emission, tags, k);
            }

            var (entity, role, group) = Split(types[type]);
            result.Add((entity, role, group, start, i + 1, confidence / (i - start + 1)));
        }

        return result;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(types.Length);
        foreach (var type in types)
        {
            writer.Write(type);
        }

        foreach (var t in transitions)
        {
            writer.Write(t);
        }

        writer.Write(weights.Count);
        foreach (var (feature, row) in weights)
        {
            writer.Write(feature);
            writer.Write(row.Count);
            for (var k = 0; k < row.Count; k++)
            {
                writer.Write(row.TagAt(k));
                writer.Write(row.WeightAt(k));
            }
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote; counts that the stream cannot hold are refused before anything is allocated for them.</summary>
    public static EntityTagger Load(BinaryReader reader)
    {
        var types = new string[BinaryCount.Read(reader, 1, "entity tagger")];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = reader.ReadString();
        }

        var tagCount = 1 + 4 * types.Length;
        var transitions = new float[Kinds * Kinds];
        for (var i = 0; i < transitions.Length; i++)
        {
            transitions[i] = reader.ReadSingle();
        }

        var count = BinaryCount.Read(reader, sizeof(ulong) + sizeof(int), "entity tagger");
        var weights = new Dictionary<ulong, Row>(count);
        for (var i = 0; i < count; i++)
        {
            var feature = reader.ReadUInt64();
            var size = reader.ReadInt32();
            if (size < 0 || size > tagCount || size * (long)(sizeof(int) + sizeof(float)) > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new InvalidDataException("the entity tagger's weights do not fit its tags");
            }

            var tags = new int[size];
            var values = new float[size];
            for (var k = 0; k < size; k++)
            {
                tags[k] = reader.ReadInt32();
                values[k] = reader.ReadSingle();
                if ((uint)tags[k] >= tagCount)
                {
                    throw new InvalidDataException("the entity tagger's weights do not fit its tags");
                }
            }

            weights[feature] = Row.Of(tags, values, tagCount);
        }

        return new EntityTagger(types, weights, transitions);
    }

    /// <summary>Whether every training sentence, its words all kept, decodes to the tags it is annotated with.</summary>
    private bool Reproduces(List<(NluExample Example, List<Token> Tokens, int[] Gold)> sentences, Func<NluExample, List<Token>, Func<int, bool>, ulong[][]> features) =>
        sentences.All(s =>
        {
            var feats = features(s.Example, s.Tokens, _ => false);
            return Viterbi(Emissions(feats, tagCount, weights), feats.Length, tagCount, transitions).AsSpan().SequenceEqual(s.Gold);
        });

    private static int Kind(int tag) => tag == 0 ? O : 1 + (tag - 1) % 4;

    private static int TypeIndex(int tag) => (tag - 1) / 4;

    private static float Transition(float[] transitions, int fromKind, int toKind) => transitions[fromKind * Kinds + toKind];

    /// <summary>Whether BILOU allows <paramref name="to"/> after <paramref name="from"/> (-1 = start, tagCount = end).</summary>
    private static bool Allowed(int from, int to, int tagCount)
    {
        var fromOpen = from > 0 && from < tagCount && Kind(from) is B or I;
        if (to == tagCount)
        {
            return !fromOpen;
        }

        var toContinues = to > 0 && Kind(to) is I or L;
        return fromOpen ? toContinues && TypeIndex(to) == TypeIndex(from) : !toContinues;
    }


    /// <summary>
    /// How sure the tagger is of one token's tag: a softmax over the tags that fit between its neighbours'
    /// tags, scored by emission and both transitions.
    /// </summary>
    private double TagProbability(float[] emission, int[] tags, int k)
    {
        var n = tags.Length;
        var previous = k == 0 ? -1 : tags[k - 1];
        var next = k + 1 < n ? tags[k + 1] : tagCount;
        var chosen = 0.0;
        var max = double.NegativeInfinity;
        Span<double> scores = tagCount <= 512 ? stackalloc double[tagCount] : new double[tagCount];
        for (var t = 0; t < tagCount; t++)
        {
            scores[t] = double.NegativeInfinity;
            if (!Allowed(previous, t, tagCount) || !Allowed(t, next, tagCount))
            {
                continue;
            }

            scores[t] = emission[k * tagCount + t] + Transition(transitions, previous < 0 ? Edge : Kind(previous), Kind(t)) +
                Transition(transitions, Kind(t), next == tagCount ? Edge : Kind(next));
            max = Math.Max(max, scores[t]);
        }

        var sum = 0.0;
        for (var t = 0; t < tagCount; t++)
        {
            if (!double.IsNegativeInfinity(scores[t]))
            {
                var e = Math.Exp(scores[t] - max);
                sum += e;
                if (t == tags[k])
                {
                    chosen = e;
                }
            }
        }

        return chosen / sum;
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
            if (covered.Count == 0 || covered.Any(i => tags[i] != 0))
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

    /// <summary>Emission scores, token-major: <c>[token × tagCount + tag]</c>.</summary>
    private static float[] Emissions(ulong[][] feats, int tagCount, Dictionary<ulong, Row> weights)
    {
        var emission = new float[feats.Length * tagCount];
        for (var i = 0; i < feats.Length; i++)
        {
            var target = emission.AsSpan(i * tagCount, tagCount);
            foreach (var f in feats[i])
            {
                if (weights.TryGetValue(f, out var row))
                {
                    row.AddTo(target);
                }
            }
        }

        return emission;
    }

    /// <summary>
    /// The best tag sequence in O(tokens × tags): a tag that opens or stands alone (O, B, U) follows a closing tag
    /// (O, L, U), whose best per kind is found once per token; a tag that continues (I, L) follows its own B or I.
    /// </summary>
    private static int[] Viterbi(float[] emission, int n, int tagCount, float[] transitions)
    {
        var score = new double[n * tagCount];
        var back = new int[n * tagCount];
        for (var k = 0; k < tagCount; k++)
        {
            score[k] = Kind(k) is O or B or U ? emission[k] + Transition(transitions, Edge, Kind(k)) : double.NegativeInfinity;
        }

        Span<double> fromClosing = stackalloc double[Kinds];
        Span<int> argClosing = stackalloc int[Kinds];
        for (var i = 1; i < n; i++)
        {
            var previous = score.AsSpan((i - 1) * tagCount, tagCount);
            var current = score.AsSpan(i * tagCount, tagCount);
            var links = back.AsSpan(i * tagCount, tagCount);
            var scores = emission.AsSpan(i * tagCount, tagCount);

            // The best previous tag of each closing kind: O (tag 0), the best L, the best U (tags 3, 4 mod 4 after O).
            int bestL = -1, bestU = -1;
            for (var p = 3; p < tagCount; p += 4)
            {
                if (bestL < 0 || previous[p] > previous[bestL])
                {
                    bestL = p;
                }

                if (bestU < 0 || previous[p + 1] > previous[bestU])
                {
                    bestU = p + 1;
                }
            }

            // The best closing predecessor for each kind of next tag (O, B, U), with the transition into it.
            foreach (var kind in (ReadOnlySpan<int>)[O, B, U])
            {
                fromClosing[kind] = previous[0] + Transition(transitions, O, kind);
                argClosing[kind] = 0;
                if (bestL > 0 && previous[bestL] + Transition(transitions, L, kind) > fromClosing[kind])
                {
                    fromClosing[kind] = previous[bestL] + Transition(transitions, L, kind);
                    argClosing[kind] = bestL;
                }

                if (bestU > 0 && previous[bestU] + Transition(transitions, U, kind) > fromClosing[kind])
                {
                    fromClosing[kind] = previous[bestU] + Transition(transitions, U, kind);
                    argClosing[kind] = bestU;
                }
            }

            current[0] = fromClosing[O] + scores[0];
            links[0] = argClosing[O];
            for (var b = 1; b < tagCount; b += 4)
            {
                // B and U open or stand alone after a closing tag; I and L continue this type's B or I.
                current[b] = fromClosing[B] + scores[b];
                links[b] = argClosing[B];
                current[b + 3] = fromClosing[U] + scores[b + 3];
                links[b + 3] = argClosing[U];
                for (var kind = I; kind <= L; kind++)
                {
                    var fromB = previous[b] + Transition(transitions, B, kind);
                    var fromI = previous[b + 1] + Transition(transitions, I, kind);
                    current[b + kind - 1] = Math.Max(fromB, fromI) + scores[b + kind - 1];
                    links[b + kind - 1] = fromB >= fromI ? b : b + 1;
                }
            }
        }

        var last = 0;
        var top = double.NegativeInfinity;
        var final = score.AsSpan((n - 1) * tagCount, tagCount);
        for (var k = 0; k < tagCount; k++)
        {
            if (Kind(k) is O or L or U && final[k] + Transition(transitions, Kind(k), Edge) > top)
            {
                top = final[k] + Transition(transitions, Kind(k), Edge);
                last = k;
            }
        }

        var tags = new int[n];
        tags[n - 1] = last;
        for (var i = n - 1; i > 0; i--)
        {
            tags[i - 1] = back[i * tagCount + tags[i]];
        }

        return tags;
    }

    /// <summary>
    /// A feature's weights: a short list of (tag, weight) while few tags have any, a whole row once many do (so
    /// adding it to a token's scores is a vector loop). In training it also keeps the running sums of its
    /// updates weighted by step, from which the averaged weights come.
    /// </summary>
    private sealed class Row
    {
        private int[]? tags;
        private float[] weights;
        private double[]? sums;

        private Row(int[]? tags, float[] weights, double[]? sums, int count)
        {
            this.tags = tags;
            this.weights = weights;
            this.sums = sums;
            Count = count;
        }

        /// <summary>Entries: tags with a weight (sparse) or every tag (dense).</summary>
        public int Count { get; private set; }

        public static Row Training() => new([0, 0], new float[2], new double[2], 0);

        /// <summary>A trained row; dense if more than an eighth of the tags have a weight.</summary>
        public static Row Of(int[] tags, float[] weights, int tagCount)
        {
            if (tags.Length * 8 <= tagCount)
            {
                return new Row(tags, weights, null, tags.Length);
            }

            var dense = new float[tagCount];
            for (var k = 0; k < tags.Length; k++)
            {
                dense[tags[k]] = weights[k];
            }

            return new Row(null, dense, null, tagCount);
        }

        public int TagAt(int k) => tags?[k] ?? k;

        public float WeightAt(int k) => weights[k];

        public double SumAt(int k) => sums![k];

        public void AddTo(Span<float> scores)
        {
            if (tags is null)
            {
                var i = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    for (; i <= Count - Vector<float>.Count; i += Vector<float>.Count)
                    {
                        (new Vector<float>(scores[i..]) + new Vector<float>(weights, i)).CopyTo(scores[i..]);
                    }
                }

                for (; i < Count; i++)
                {
                    scores[i] += weights[i];
                }

                return;
            }

            for (var k = 0; k < Count; k++)
            {
                scores[tags[k]] += weights[k];
            }
        }

        public void Add(int tag, float delta, double stepDelta, int tagCount)
        {
            int k;
            if (tags is null)
            {
                k = tag;
            }
            else
            {
                k = Array.IndexOf(tags, tag, 0, Count);
                if (k < 0)
                {
                    if (Count == tags.Length && Count * 8 > tagCount)
                    {
                        Densify(tagCount);
                        Add(tag, delta, stepDelta, tagCount);
                        return;
                    }

                    if (Count == tags.Length)
                    {
                        Array.Resize(ref tags, Count * 2);
                        Array.Resize(ref weights, Count * 2);
                        Array.Resize(ref sums, Count * 2);
                    }

                    k = Count++;
                    tags[k] = tag;
                }
            }

            weights[k] += delta;
            sums![k] += stepDelta;
        }

        private void Densify(int tagCount)
        {
            var denseWeights = new float[tagCount];
            var denseSums = new double[tagCount];
            for (var k = 0; k < Count; k++)
            {
                denseWeights[tags![k]] = weights[k];
                denseSums[tags[k]] = sums![k];
            }

            (tags, weights, sums, Count) = (null, denseWeights, denseSums, tagCount);
        }
    }

    /// <summary>Perceptron weights with the running sums that make their average (the lazy-update trick).</summary>
    private sealed class Trainer(int tagCount)
    {
        private readonly double[] transitionSums = new double[Kinds * Kinds];
        private int step = 1;

        public Dictionary<ulong, Row> Weights { get; } = [];

        public float[] Transitions { get; } = new float[Kinds * Kinds];

        public void Update(ulong[][] feats, int[] gold, int[] predicted)
        {
            if (!gold.AsSpan().SequenceEqual(predicted))
            {
                for (var i = 0; i < gold.Length; i++)
                {
                    if (gold[i] != predicted[i])
                    {
                        foreach (var f in feats[i])
                        {
                            if (!Weights.TryGetValue(f, out var row))
                            {
                                Weights[f] = row = Row.Training();
                            }

                            row.Add(gold[i], 1, step, tagCount);
                            row.Add(predicted[i], -1, -step, tagCount);
                        }
                    }

                    var gp = i == 0 ? Edge : Kind(gold[i - 1]);
                    var pp = i == 0 ? Edge : Kind(predicted[i - 1]);
                    Move(gp * Kinds + Kind(gold[i]), pp * Kinds + Kind(predicted[i]));
                }

                Move(Kind(gold[^1]) * Kinds + Edge, Kind(predicted[^1]) * Kinds + Edge);
            }

            step++;
        }

        /// <summary>A tagger of the averaged weights, which go on training unchanged.</summary>
        public EntityTagger Averaged(string[] types)
        {
            var weights = new Dictionary<ulong, Row>();
            var tags = new List<int>(tagCount);
            var values = new List<float>(tagCount);
            foreach (var (feature, row) in Weights)
            {
                tags.Clear();
                values.Clear();
                for (var k = 0; k < row.Count; k++)
                {
                    var average = (float)(row.WeightAt(k) - row.SumAt(k) / step);
                    if (Math.Abs(average) > 1e-6)
                    {
                        tags.Add(row.TagAt(k));
                        values.Add(average);
                    }
                }

                if (tags.Count > 0)
                {
                    weights[feature] = Row.Of(tags.ToArray(), values.ToArray(), tagCount);
                }
            }

            var transitions = new float[Transitions.Length];
            for (var i = 0; i < transitions.Length; i++)
            {
                transitions[i] = (float)(Transitions[i] - transitionSums[i] / step);
            }

            return new EntityTagger(types, weights, transitions);
        }

        private void Move(int gold, int predicted)
        {
            if (gold != predicted)
            {
                Transitions[gold] += 1;
                transitionSums[gold] += step;
                Transitions[predicted] -= 1;
                transitionSums[predicted] -= step;
            }
        }
    }
}
