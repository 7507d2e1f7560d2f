using System.Numerics;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Multinomial logistic regression over a message's sparse features (and the sentence encoder's embedding when
/// configured), trained by stochastic gradient descent with a decaying step and L2 weight decay; its softmax
/// outputs are the confidences of the intent ranking. An example's gradient is weighted by the square root of
/// how much rarer its intent is than the average one, so a few intents with most of the examples (ATIS' flights)
/// do not drown the rest. Weights are stored feature-major, so scoring a message
/// reads one contiguous row per feature it has. With few examples per intent, a nearest-centroid classifier over the
/// dense features (the word vectors) is added to the trained weights (<see cref="CentroidPrior"/>).
/// </summary>
public sealed class IntentClassifier
{
    private const float InitialStep = 0.5f;

    /// <summary>L2 weight decay per example; chosen on the development splits of ATIS, SNIPS and CLINC150.</summary>
    private const float Decay = 1e-6f;

    /// <summary>
    /// The weight of the nearest-centroid scores, <c>β(x·μ_c − |μ_c|²/2)</c> (the log-odds of Gaussians of equal
    /// variance around each intent's mean dense vector μ_c), added to the logits; it is linear in x, so it is folded
    /// into the dense weights and the bias and costs a parse nothing. β = <see cref="CentroidPrior"/> ×
    /// (<see cref="CentroidFade"/> / (<see cref="CentroidFade"/> + examples per intent))²: 19 at 30 examples of 8
    /// intents, where the trained weights have seen a word or two per intent, 0.24 at 100 per intent and 0.06 at
    /// 200, where they know better. Chosen by training on 1 to 8 and 1 to 30 examples per intent drawn from the
    /// train splits of Banking77, CLINC150 and HWU64 and scoring the rest of those splits (<c>Benchmarks intents
    /// --shots</c>; the previous 5 × 5 / (5 + n) was 1 to 4 points of accuracy behind), with the weight at 100 per
    /// intent kept where the development splits of ATIS and CLINC150 had checked it (both unchanged).
    /// </summary>
    private const float CentroidPrior = 40f;

    /// <summary>The examples per intent at which the centroid prior is down to a quarter of its weight.</summary>
    private const float CentroidFade = 8.4f;

    private readonly string[] labels;
    private readonly float[] weights;
    private readonly float[] dense;
    private readonly float[] bias;
    private readonly int denseSize;

    private IntentClassifier(string[] labels, float[] weights, float[] dense, float[] bias)
    {
        this.labels = labels;
        this.weights = weights;
        this.dense = dense;
        this.bias = bias;
        this.denseSize = dense.Length / labels.Length;
    }

    public IReadOnlyList<string> Labels => labels;

    /// <summary>The sparse features it has weights for (the featurizer's count when it was trained).</summary>
    public int FeatureCount => weights.Length / labels.Length;

    /// <summary>The length of the sentence embedding it reads (0 without a sentence encoder).</summary>
    public int DenseSize => denseSize;

    /// <param name="progress">Called after each epoch with the share of training done.</param>
    public static IntentClassifier Train(IReadOnlyList<SparseVector> features, IReadOnlyList<string> intents, int featureCount, int epochs, int seed, Action<double>? progress = null)
    {
        var labels = intents.Distinct().Order(StringComparer.Ordinal).ToArray();
        var classes = labels.Length;
        var target = intents.Select(i => Array.BinarySearch(labels, i, StringComparer.Ordinal)).ToArray();
        var counts = new int[classes];
        foreach (var t in target)
        {
            counts[t]++;
        }

        var mean = target.Length / (double)classes;
        var weight = counts.Select(c => (float)Math.Sqrt(mean / Math.Max(c, 1))).ToArray();
        var denseSize = features.Count > 0 && features[0].Dense is { } d ? d.Length : 0;
        var weights = new float[featureCount * classes];
        var dense = new float[denseSize * classes];
        var bias = new float[classes];
        if (classes < 2)
        {
            return new IntentClassifier(labels, weights, dense, bias);
        }

        // The true weights are scale × stored ones, so L2 decay is one multiplication per step, not per weight.
        var scale = 1.0;
        var order = Enumerable.Range(0, features.Count).ToArray();
        var random = new Random(seed);
        var scores = new float[classes];
        var step = 0L;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var n in order)
            {
                var rate = InitialStep / (1 + InitialStep * Decay * step++);
                var x = features[n];
                Score(x, weights, dense, bias, denseSize, (float)scale, scores);
                Softmax(scores);
                scores[target[n]] -= 1;
                scale *= 1 - rate * Decay;
                var stored = (float)(rate * weight[target[n]] / scale);
                for (var k = 0; k < x.Indices.Length; k++)
                {
                    AddScaled(weights.AsSpan(x.Indices[k] * classes, classes), scores, -stored * x.Values[k]);
                }

                for (var k = 0; k < denseSize; k++)
                {
                    AddScaled(dense.AsSpan(k * classes, classes), scores, -stored * x.Dense![k]);
                }

                AddScaled(bias, scores, -rate * weight[target[n]]);
                if (scale < 1e-6)
                {
                    Rescale(weights, dense, (float)scale);
                    scale = 1;
                }
            }

            progress?.Invoke((epoch + 1) / (double)epochs);
        }

        Rescale(weights, dense, (float)scale);
        AddCentroids(features, target, counts, dense, bias);
        return new IntentClassifier(labels, weights, dense, bias);
    }

    /// <summary>All intents with their confidences, best first.</summary>
    public IntentScore[] Rank(SparseVector features)
    {
        var scores = new float[labels.Length];
        Score(features, weights, dense, bias, denseSize, 1f, scores);
        Softmax(scores);
        var ranking = new IntentScore[labels.Length];
        for (var i = 0; i < ranking.Length; i++)
        {
            ranking[i] = new IntentScore(labels[i], scores[i]);
        }

        Array.Sort(ranking, (a, b) => b.Confidence.CompareTo(a.Confidence));
        return ranking;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(labels.Length);
        foreach (var label in labels)
        {
            writer.Write(label);
        }

        Write(writer, weights);
        Write(writer, dense);
        Write(writer, bias);
    }

    public static IntentClassifier Load(BinaryReader reader)
    {
        var labels = new string[BinaryCount.Read(reader, 1, "intent classifier")];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = reader.ReadString();
        }

        var weights = Read(reader);
        var dense = Read(reader);
        var bias = Read(reader);
        if (labels.Length == 0 || weights.Length % labels.Length != 0 || dense.Length % labels.Length != 0 || bias.Length != labels.Length)
        {
            throw new InvalidDataException("the intent classifier's weights do not fit its labels");
        }

        return new IntentClassifier(labels, weights, dense, bias);
    }

    /// <summary>Adds the nearest-centroid scores of the dense features (<see cref="CentroidPrior"/>) to the dense weights and the bias.</summary>
    private static void AddCentroids(IReadOnlyList<SparseVector> features, int[] target, int[] counts, float[] dense, float[] bias)
    {
        var classes = counts.Length;
        var denseSize = dense.Length / classes;
        if (denseSize == 0)
        {
            return;
        }

        var means = new double[classes * denseSize];
        for (var n = 0; n < features.Count; n++)
        {
            var x = features[n].Dense!;
            for (var k = 0; k < denseSize; k++)
            {
                means[(target[n] * denseSize) + k] += x[k] / counts[target[n]];
            }
        }

        var fade = CentroidFade / (CentroidFade + (features.Count / (double)classes));
        var beta = CentroidPrior * fade * fade;
        for (var c = 0; c < classes; c++)
        {
            var squared = 0.0;
            for (var k = 0; k < denseSize; k++)
            {
                var mean = means[(c * denseSize) + k];
                dense[(k * classes) + c] += (float)(beta * mean);
                squared += mean * mean;
            }

            bias[c] -= (float)(beta * squared / 2);
        }
    }

    private static void Score(SparseVector x, float[] weights, float[] dense, float[] bias, int denseSize, float scale, float[] scores)
    {
        var classes = scores.Length;
        Array.Clear(scores);
        for (var k = 0; k < x.Indices.Length; k++)
        {
            AddScaled(scores, weights.AsSpan(x.Indices[k] * classes, classes), x.Values[k]);
        }

        for (var k = 0; k < denseSize; k++)
        {
            AddScaled(scores, dense.AsSpan(k * classes, classes), x.Dense![k]);
        }

        for (var c = 0; c < classes; c++)
        {
            scores[c] = scores[c] * scale + bias[c];
        }
    }

    private static void Softmax(float[] scores)
    {
        var max = scores.Max();
        var sum = 0f;
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = MathF.Exp(scores[c] - max);
            sum += scores[c];
        }

        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] /= sum;
        }
    }

    /// <summary>target += factor × source, a vector register at a time.</summary>
    private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<float>.Count)
        {
            var f = new Vector<float>(factor);
            for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(target[i..]) + f * new Vector<float>(source[i..])).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += factor * source[i];
        }
    }

    private static void Rescale(float[] weights, float[] dense, float scale)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] *= scale;
        }

        for (var i = 0; i < dense.Length; i++)
        {
            dense[i] *= scale;
        }
    }

    private static void Write(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values)
        {
            writer.Write(v);
        }
    }

    private static float[] Read(BinaryReader reader)
    {
        var values = new float[BinaryCount.Read(reader, sizeof(float), "intent classifier")];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }
}
