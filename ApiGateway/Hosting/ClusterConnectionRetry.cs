using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// A Redis-mode gateway retries its connection to the cluster every second until a silo answers, so gateways and
/// silos start in any order. That wait is said: one warning at the first failed attempt and one every
/// <see cref="Reminder"/> while it lasts, so a wrong <c>--redis</c> address or a cluster with no silo up is not a
/// gateway that says nothing.
/// </summary>
public sealed class ClusterConnectionRetry(ClusterSettings settings, ILogger<ClusterConnectionRetry> logger, TimeProvider clock) : IClientConnectionRetryFilter
{
    public static readonly TimeSpan Reminder = TimeSpan.FromSeconds(30);

    private long? firstFailure;
    private long lastWarning;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        if (firstFailure is not { } first)
        {
            firstFailure = now;
            lastWarning = now;
            logger.LogWarning("Waiting for the cluster (Redis {Redis}), retrying every second: {Reason}", settings.Redis, exception.Message);
        }
        else if (clock.GetElapsedTime(lastWarning, now) >= Reminder)
        {
            lastWarning = now;
            logger.LogWarning("Still waiting for the cluster (Redis {Redis}) after {Seconds:0} s: {Reason}", settings.Redis, clock.GetElapsedTime(first, now).TotalSeconds, exception.Message);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        return true;
    }
}
