using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>Latencies in log buckets 1% wide, so client processes can send theirs to the runner and it can merge them.</summary>
public sealed class LatencyHistogram
{
    private const double Growth = 1.01;
    private readonly Dictionary<int, long> buckets = [];

    public long Count { get; private set; }

    public void Add(double milliseconds)
    {
        var micros = Math.Max(1, milliseconds * 1000);
        var bucket = (int)Math.Floor(Math.Log(micros) / Math.Log(Growth));
        buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
        Count++;
    }

    public void Merge(LatencyHistogram other)
    {
        foreach (var (bucket, count) in other.buckets)
        {
            buckets[bucket] = buckets.GetValueOrDefault(bucket) + count;
        }

        Count += other.Count;
    }

    /// <summary>The latency in ms below which <paramref name="fraction"/> of the samples fall (bucket upper bound).</summary>
    public double Percentile(double fraction)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(fraction * Count);
        long seen = 0;
        foreach (var (bucket, count) in buckets.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return Math.Pow(Growth, bucket + 1) / 1000;
            }
        }

        return double.NaN;
    }

    public string Serialize() => string.Join(' ', buckets.Select(b => $"{b.Key}:{b.Value}"));

    public static LatencyHistogram Parse(string text)
    {
        var histogram = new LatencyHistogram();
        foreach (var pair in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':');
            var count = long.Parse(pair[(colon + 1)..], CultureInfo.InvariantCulture);
            histogram.buckets[int.Parse(pair[..colon], CultureInfo.InvariantCulture)] = count;
            histogram.Count += count;
        }

        return histogram;
    }
}
