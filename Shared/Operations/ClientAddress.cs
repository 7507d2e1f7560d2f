using System.Net;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Operations;

/// <summary>
/// The address a request came from, for what counts per client (<see cref="AdminAttempts"/>). Behind a proxy every
/// request comes from the proxy; a connection from one of <c>--trusted-proxies</c> is taken to come from the address
/// its <c>X-Forwarded-For</c> names, read from the right (the hop the trusted proxy saw) past further trusted proxies.
/// Without the flag the header is ignored, since anyone can send one.
/// </summary>
public static class ClientAddress
{
    /// <summary>More hops than any real chain of proxies: the rest of a longer header is not read.</summary>
    private const int MaxHops = 16;

    public static IPAddress Of(HttpContext context, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var address = Normal(context.Connection.RemoteIpAddress ?? IPAddress.None);
        if (trustedProxies.Count == 0 || !IsTrusted(address, trustedProxies))
        {
            return address;
        }

        var hops = 0;
        var forwarded = context.Request.Headers["X-Forwarded-For"];
        for (var value = forwarded.Count - 1; value >= 0; value--)
        {
            var entries = forwarded[value]?.Split(',') ?? [];
            for (var entry = entries.Length - 1; entry >= 0; entry--)
            {
                if (++hops > MaxHops || !IPAddress.TryParse(entries[entry].AsSpan().Trim(), out var hop))
                {
                    return address;
                }

                address = Normal(hop);
                if (!IsTrusted(address, trustedProxies))
                {
                    return address;
                }
            }
        }

        return address;
    }

    /// <summary>Parses <c>trusted_proxies</c>: addresses or CIDR ranges, separated by commas or spaces.</summary>
    public static IReadOnlyList<IPNetwork> ParseTrusted(string? value) =>
    [
        .. (value ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
            IPNetwork.TryParse(entry, out var network) ? network
            : IPAddress.TryParse(entry, out var single) ? Host(Normal(single))
            : throw new FormatException($"--trusted-proxies: '{entry}' is neither an address nor a CIDR range")),
    ];

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies) => trustedProxies.Any(network => network.Contains(address));

    /// <summary>The network of one address: all its bits.</summary>
    private static IPNetwork Host(IPAddress address) => new(address, address.GetAddressBytes().Length * 8);

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
