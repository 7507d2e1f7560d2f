namespace Switchboard.Benchmarks;

/// <summary>One wrk run: requests/s, non-2xx answers and latency percentiles in milliseconds.</summary>
public sealed record WrkResult(double RequestsPerSecond, long Errors, double P50, double P99);
