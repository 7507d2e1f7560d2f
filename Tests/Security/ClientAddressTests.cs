using System.Net;
using Microsoft.AspNetCore.Http;
using Switchboard.Operations;

namespace Switchboard.Tests.Security;

/// <summary>Which address a request counts for: the connection's, or behind trusted proxies the one they forwarded for.</summary>
public sealed class ClientAddressTests
{
    private static readonly IReadOnlyList<IPNetwork> Trusted = ClientAddress.ParseTrusted("127.0.0.1 10.0.0.0/8,::1");

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1")] // a trusted proxy that forwards nothing is the client
    [InlineData("127.0.0.1", "198.51.100.7", "198.51.100.7")]
    [InlineData("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.1.2.3", "198.51.100.7")] // from the right, past trusted hops
    [InlineData("::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7")] // an IPv4-mapped connection is its IPv4 address
    [InlineData("::1", "2001:db8::5", "2001:db8::5")]
    [InlineData("127.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1")] // every hop trusted: the farthest
    [InlineData("127.0.0.1", "198.51.100.7, not-an-address", "127.0.0.1")] // a hop that is not an address: the proxy
    [InlineData("192.0.2.1", "198.51.100.7", "192.0.2.1")] // not a trusted proxy: the header is ignored
    public void IsReadFromTheRightPastTrustedProxies(string connection, string? forwardedFor, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(connection);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(IPAddress.Parse(expected), ClientAddress.Of(context, Trusted));
    }

    [Fact]
    public void AHeaderOfMoreHopsThanAnyChainIsNotReadPastTheBound()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers["X-Forwarded-For"] = string.Join(", ", ["198.51.100.7", .. Enumerable.Repeat("10.0.0.1", 20)]);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), ClientAddress.Of(context, Trusted));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("proxy.local")]
    public void ATrustedProxyThatIsNotAnAddressOrRangeStopsTheStart(string value) =>
        Assert.Throws<FormatException>(() => ClientAddress.ParseTrusted(value));
}
