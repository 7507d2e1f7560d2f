using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Switchboard.Operations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>What a node allocates before its first request: metric streams of a bounded size, a bounded grain directory cache.</summary>
public sealed partial class NodeFixedMemoryTests(AdminAccessTests.Gateway fixture) : IClassFixture<AdminAccessTests.Gateway>
{
    [Fact]
    public async Task AMetricStreamPastItsPointLimitSumsTheRestIntoAnOverflowSeries()
    {
        // An instrument on the Orleans meter, with more tag sets than a stream keeps.
        using var meter = new Meter(PrometheusMetrics.OrleansMeter);
        var counter = meter.CreateCounter<long>("switchboard.test.tag_sets");
        const int tagSets = PrometheusMetrics.MetricPointsPerStream + 100;
        for (var i = 0; i < tagSets; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("set", i.ToString(CultureInfo.InvariantCulture)));
        }

        using var http = fixture.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAccessTests.Password);
        List<Match> series = [];
        await Eventually.Until(async () =>
        {
            series = [.. Series().Matches(await http.GetStringAsync("/metrics")).Cast<Match>()];
            return series.Sum(s => long.Parse(s.Groups["value"].Value, CultureInfo.InvariantCulture)) == tagSets;
        }, () => $"{series.Count} series: " + string.Join(", ", series.Take(5).Select(s => s.Value)));

        Assert.InRange(series.Count, PrometheusMetrics.MetricPointsPerStream - 2, PrometheusMetrics.MetricPointsPerStream + 1);
        Assert.Contains(series, s => s.Value.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
    }

    [Fact]
    public void TheGrainDirectoryCacheHoldsTheConfiguredNumberOfLocations()
    {
        var options = fixture.Server.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
        Assert.Equal(new Switchboard.Hosting.ClusterSettings().GrainDirectoryCacheSize, options.CacheSize);
        Assert.True(options.CacheSize < GrainDirectoryOptions.DEFAULT_CACHE_SIZE);
    }

    [Fact]
    public async Task TheGrainDirectoryCacheSizeIsAFlag()
    {
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--grain_directory_cache_size", "5000");
        Assert.Equal(5000, gateway.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
    }

    [GeneratedRegex(@"^switchboard_test_tag_sets_total\{[^}]*\} (?<value>\d+)", RegexOptions.Multiline)]
    private static partial Regex Series();
}
