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
                metrics.AddMeter(OrleansMeter).AddRuntimeInstrumentation().AddPrometheusExporter();
                configure?.Invoke(metrics);
            });
        return services;
    }

    /// <summary>The scrape endpoint at <see cref="AdminGate.MetricsPath"/>; the <see cref="AdminGate"/> in front of it decides who may read it.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(AdminGate.MetricsPath);
}
