using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Operations;

/// <summary>
/// Wrong admin credentials per client address (the login form, a bearer or <c>?token=</c> on <c>/dashboard</c> and
/// <c>/metrics</c>): <see cref="Burst"/> at once, then one per <see cref="AdminAccessOptions.AttemptRefill"/> (6 s: ten a
/// minute). An address over it gets 429 for
/// every credential, the right one too, so that guessing learns nothing until the budget refills. IPv6 clients count
/// by their /64, which one host usually holds whole; behind <c>--trusted-proxies</c>, the address the proxy forwards
/// for. Addresses whose budget is full again are forgotten.
/// </summary>
public sealed class AdminAttempts(AdminAccessOptions options) : IDisposable
{
    public const int Burst = 20;

    private readonly PartitionedRateLimiter<IPAddress> limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = options.AttemptRefill,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>The address has no attempts left: answer <see cref="Refuse"/> without looking at the credential.</summary>
    public bool Exhausted(HttpContext context) =>
        // Not a zero-permit acquire: the partitioned limiter refills its buckets continuously (a fraction of a token at
        // each of its 100 ms ticks), and a zero-permit acquire succeeds on any fraction, so an address that spent its
        // budget was let through again within 100 ms. The statistics count whole tokens.
        (limiter.GetStatistics(AddressOf(context))?.CurrentAvailablePermits ?? Burst) < 1;

    public void Failed(HttpContext context) => limiter.AttemptAcquire(AddressOf(context)).Dispose();

    /// <summary>429 with the seconds until the next attempt.</summary>
    public Task Refuse(HttpContext context)
    {
        var seconds = (long)Math.Ceiling(options.AttemptRefill.TotalSeconds);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync($"too many wrong admin credentials from this address: at most {Burst}, then one every {seconds} s\n");
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>The client's address (<see cref="ClientAddress"/>); IPv6 by its /64.</summary>
    private IPAddress AddressOf(HttpContext context)
    {
        var address = ClientAddress.Of(context, options.TrustedProxies);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
