using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchboard.Hosting;

/// <summary>
/// What gateways and silos print: quiet on a normal run, one line per real problem. Each filter below drops a
/// source of lines that are not problems, and says why; errors are never filtered.
/// </summary>
public static class OperatorLogging
{
    public static ILoggingBuilder AddOperatorFilters(this ILoggingBuilder logging)
    {
        // Orleans places grains through a Polly pipeline whose telemetry logs every attempt at Information (one line
        // per grain activation: thousands per benchmark run) and every retry at Warning with its exception. The
        // outcome reaches the caller, which reports a failure it cannot handle; an exhausted pipeline still logs here.
        logging.AddFilter("Polly", LogLevel.Error);

        // Orleans' Information lines are start-up and membership detail (per request in places: ~8% of a publish);
        // its warnings and errors are what an operator must see.
        logging.AddFilter("Orleans", LogLevel.Warning);
        return logging;
    }

    /// <summary>
    /// How long SIGTERM may take (<c>--shutdown_timeout</c>): the host cancels the stop then (Orleans stops without
    /// waiting for the rest of its grains), and <see cref="ShutdownDeadline"/> ends the process shortly after.
    /// </summary>
    public static IServiceCollection AddShutdownTimeout(this IServiceCollection services, ClusterSettings settings)
    {
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        return services.AddHostedService<ShutdownDeadline>();
    }
}
