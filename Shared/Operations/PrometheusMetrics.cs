using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Switchboard.Operations;

/// <summary>
/// Prometheus metrics per node, the same on gateways and silos: the runtime's <c>Microsoft.Orleans</c> meter
/// (on silos it also carries our cluster totals, see <see cref="NodeCounterInstruments"/>) and .NET runtime
/// metrics, plus whatever the node adds.
/// </summary>
public static class PrometheusMetrics
{
    public const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, string serviceName, Action<MeterProviderBuilder>? configure = null)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansMeter).AddRuntimeInstrumentation().AddPrometheusExporter().AddView(StreamLimit);
                configure?.Invoke(metrics);
            });
        return services;
    }

    /// <summary>
    /// Every metric stream allocates its whole cardinality limit of points up front (OpenTelemetry's default 2,000,
    /// ~144 KB): with Orleans' ~330 instruments that held 48 MB of large-object heap on every node, for streams that use
    /// at most a few dozen tag sets (27 at most, measured). A tag set past the limit is not dropped: it is summed into
    /// one overflow series. ASP.NET Core's request metrics (route x method x status x protocol) keep the default.
    /// </summary>
    public const int MetricPointsPerStream = 100;

    private static MetricStreamConfiguration? StreamLimit(Instrument instrument) =>
        instrument.Meter.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) ? null : new MetricStreamConfiguration { CardinalityLimit = MetricPointsPerStream };

    /// <summary>The scrape endpoint at <see cref="AdminGate.MetricsPath"/>; the <see cref="AdminGate"/> in front of it decides who may read it.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(AdminGate.MetricsPath);
}
