using System.Numerics;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Clusters of the sentence encoder's contextual token vectors, as features the entity tagger can use cheaply
/// (the contextual counterpart of <see cref="WordVectors.Signature"/>): a tree of spherical k-means fitted on the
/// training tokens' vectors, centred on their mean, <see cref="Branching"/> clusters per node and
/// <see cref="Levels"/> levels deep, so a token is named by one cluster per level, coarse to fine (8, 64 and
/// 512 clusters). A token's vector depends on the words around it, so values never seen in training land in the
/// clusters of the seen values said the same way and meaning the same kind of thing (<c>WordClusterTests</c>: 60 of
/// 60 unseen cities and foods typed right, 33 with the word clusters alone). Assigning a token costs <see cref="Branching"/> × <see cref="Levels"/> dot products; the model
/// stores the centroids (584 × 384 in half precision: 450 KB).
/// </summary>
public sealed class TokenClusters
{
    /// <summary>
    /// Children per node. Chosen on the development splits (entity F1, ATIS / SNIPS) against 16 (16, 256 and 4,096
    /// clusters: 0.959 / 0.947), 16 with the finer levels dropped with the word (0.960 / 0.949), the first word piece
    /// instead of the mean (0.961 / 0.944) and 16 signed random projections instead of k-means (6, 10 and 14 bits:
    /// 0.958 / 0.946); 8 gave 0.961 / 0.950, and the tagger without token clusters 0.961 / 0.949.
    /// </summary>
    public const int Branching = 8;

    public const int Levels = 3;

    /// <summary>Training tokens the tree is fitted on, drawn at random when there are more: the fit costs their number × <see cref="Branching"/> × <see cref="Levels"/> × iterations.</summary>
    private const int MaxSample = 30000;

    private const int Iterations = 8;

    private readonly int dimension;
    private readonly float[] centre;

    /// <summary>Unit centroids per level: level l holds <see cref="Branching"/>^(l+1) of them, node n's children at n × <see cref="Branching"/>.</summary>
    private readonly float[][] centroids;

    private TokenClusters(int dimension, float[] centre, float[][] centroids)
    {
        this.dimension = dimension;
        this.centre = centre;
        this.centroids = centroids;
    }

    /// <summary>Fits the tree on the token vectors of the training messages.</summary>
    public static TokenClusters Fit(IReadOnlyList<TextEncoding> encodings, int dimension, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(int Message, int Row)>();
        for (var m = 0; m < encodings.Count; m++)
        {
            for (var r = 0; r < encodings[m].Tokens.Length / dimension; r++)
            {
                if (!IsZero(encodings[m].Tokens.AsSpan(r * dimension, dimension)))
                {
                    rows.Add((m, r));
                }
            }
        }

        // A random draw of MaxSample rows (a partial Fisher–Yates shuffle).
        var count = Math.Min(rows.Count, MaxSample);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, rows.Count);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }

        var sample = new float[count][];
        var centre = new float[dimension];
        for (var i = 0; i < count; i++)
        {
            var (m, r) = rows[i];
            sample[i] = new float[dimension];
            var row = encodings[m].Tokens.AsSpan(r * dimension, dimension);
            for (var k = 0; k < dimension; k++)
            {
                sample[i][k] = (float)row[k];
                centre[k] += sample[i][k] / count;
            }
        }

        foreach (var x in sample)
        {
            Centre(x, centre);
        }

        var centroids = new float[Levels][];
        var size = 1;
        for (var level = 0; level < Levels; level++)
        {
            size *= Branching;
            centroids[level] = new float[size * dimension];
        }

        Split(sample, Enumerable.Range(0, count).ToList(), 0, 0, centroids, dimension, random);
        return new TokenClusters(dimension, centre, centroids);
    }

    /// <summary>Each token's clusters, coarse to fine (empty for a token the encoder has no vector of); one entry per token.</summary>
    public int[][] Of(TextEncoding encoding, int tokens)
    {
        var result = new int[tokens][];
        var x = new float[dimension];
        for (var t = 0; t < tokens; t++)
        {
            result[t] = [];
            if ((t + 1) * dimension > encoding.Tokens.Length)
            {
                continue;
            }

            var row = encoding.Tokens.AsSpan(t * dimension, dimension);
            if (IsZero(row))
            {
                continue;
            }

            for (var k = 0; k < dimension; k++)
            {
                x[k] = (float)row[k];
            }

            Centre(x, centre);
            var path = new int[Levels];
            var node = 0;
            for (var level = 0; level < Levels; level++)
            {
                node = Nearest(x, centroids[level], node * Branching, Branching, dimension);
                path[level] = node;
            }

            result[t] = path;
        }

        return result;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(dimension);
        writer.Write(Branching);
        writer.Write(Levels);
        foreach (var v in centre)
        {
            writer.Write(v);
        }

        foreach (var level in centroids)
        {
            foreach (var v in level)
            {
                writer.Write((Half)v);
            }
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for an encoder of <paramref name="dimension"/>; any other shape is refused.</summary>
    public static TokenClusters Load(BinaryReader reader, int dimension)
    {
        if (reader.ReadInt32() != dimension || reader.ReadInt32() != Branching || reader.ReadInt32() != Levels)
        {
            throw new InvalidDataException("the token clusters do not fit the sentence encoder");
        }

        var centre = new float[dimension];
        for (var k = 0; k < dimension; k++)
        {
            centre[k] = reader.ReadSingle();
        }

        var centroids = new float[Levels][];
        var size = 1;
        for (var level = 0; level < Levels; level++)
        {
            size *= Branching;
            centroids[level] = new float[size * dimension];
            for (var k = 0; k < centroids[level].Length; k++)
            {
                centroids[level][k] = (float)reader.ReadHalf();
            }
        }

        return new TokenClusters(dimension, centre, centroids);
    }

    /// <summary>
    /// Spherical k-means of <paramref name="members"/> into the <see cref="Branching"/> children of
    /// <paramref name="node"/> at <paramref name="level"/>, then of each child's members one level down. A node with
    /// fewer members than children gives each member a child and the rest its first member's.
    /// </summary>
    private static void Split(float[][] sample, List<int> members, int level, int node, float[][] centroids, int dimension, Random random)
    {
        var children = centroids[level].AsSpan(node * Branching * dimension, Branching * dimension);
        if (members.Count == 0)
        {
            return; // no token came here in training: its children stay zero, and a parse never prefers them
        }

        // k-means++ seeding: each next centroid drawn with probability growing with its distance to the chosen ones.
        var distance = new float[members.Count];
        Array.Fill(distance, float.MaxValue);
        for (var c = 0; c < Branching; c++)
        {
            var pick = members[c > 0 && distance.Sum() > 0 ? Draw(distance, random) : random.Next(members.Count)];
            sample[pick].CopyTo(children.Slice(c * dimension, dimension));
            for (var i = 0; i < members.Count; i++)
            {
                distance[i] = Math.Min(distance[i], Math.Max(0, 1 - Dot(sample[members[i]], children.Slice(c * dimension, dimension))));
            }
        }

        var assigned = new int[members.Count];
        var sums = new float[Branching * dimension];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            for (var i = 0; i < members.Count; i++)
            {
                assigned[i] = Nearest(sample[members[i]], children, 0, Branching, dimension);
            }

            Array.Clear(sums);
            for (var i = 0; i < members.Count; i++)
            {
                var sum = sums.AsSpan(assigned[i] * dimension, dimension);
                for (var k = 0; k < dimension; k++)
                {
                    sum[k] += sample[members[i]][k];
                }
            }

            for (var c = 0; c < Branching; c++)
            {
                var sum = sums.AsSpan(c * dimension, dimension);
                var norm = MathF.Sqrt(Dot(sum, sum));
                if (norm > 0)
                {
                    for (var k = 0; k < dimension; k++)
                    {
                        children[c * dimension + k] = sum[k] / norm;
                    }
                }
            }
        }

        if (level + 1 == Levels)
        {
            return;
        }

        for (var c = 0; c < Branching; c++)
        {
            var child = new List<int>();
            for (var i = 0; i < members.Count; i++)
            {
                if (assigned[i] == c)
                {
                    child.Add(members[i]);
                }
            }

            Split(sample, child, level + 1, node * Branching + c, centroids, dimension, random);
        }
    }

    private static int Draw(float[] weights, Random random)
    {
        var target = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>The index, from <paramref name="first"/>, of the centroid among <paramref name="count"/> with the largest dot product with <paramref name="x"/>.</summary>
    private static int Nearest(ReadOnlySpan<float> x, ReadOnlySpan<float> centroids, int first, int count, int dimension)
    {
        var best = first;
        var top = float.NegativeInfinity;
        for (var c = first; c < first + count; c++)
        {
            var dot = Dot(x, centroids.Slice(c * dimension, dimension));
            if (dot > top)
            {
                (best, top) = (c, dot);
            }
        }

        return best;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    /// <summary>Moves a vector to the centre's frame and scales it to unit length.</summary>
    private static void Centre(float[] x, float[] centre)
    {
        for (var k = 0; k < x.Length; k++)
        {
            x[k] -= centre[k];
        }

        var norm = MathF.Sqrt(Dot(x, x));
        for (var k = 0; norm > 0 && k < x.Length; k++)
        {
            x[k] /= norm;
        }
    }

    private static bool IsZero(ReadOnlySpan<Half> row)
    {
        foreach (var v in row)
        {
            if (v != Half.Zero)
            {
                return false;
            }
        }

        return true;
    }
}
