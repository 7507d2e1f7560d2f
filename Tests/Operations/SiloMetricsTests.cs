using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// Each silo process serves Prometheus metrics on <c>--metrics-port</c>: Orleans' runtime metrics and our cluster
/// totals, to the same admin credentials as the gateways' <c>/metrics</c>, and open only with <c>--metrics-open</c>.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class SiloMetricsTests
{
    private const string Password = "silo-metrics-password";
    private const string AuthToken = "silo-metrics-token";

    [Fact]
    public async Task ASiloServesOrleansMetricsAndOurCountersToAdminsOnly()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 0, Gateways = 0 });
        var port = FreePort.Next();
        var silo = await cluster.AddSiloAsync("--metrics-port", Invariant(port), "--address", "127.0.0.1", "--dashboard-password", Password, "--auth-token", AuthToken);
        var gateway = await cluster.AddGatewayAsync([.. config.GatewayArgs]);
        Assert.Contains($"Metrics: http://127.0.0.1:{Invariant(port)}/metrics", silo.Process.Output, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Invariant(port)}"), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var wrong in new[] { null, "wrong", ClusterConfig.DashboardPassword, AuthToken + "x" })
        {
            using var refused = await Scrape(http, wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Bearer", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("orleans_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var api = new ClusterApi(gateway);
        for (var i = 0; i < 3; i++)
        {
            await api.Command("publish", new { channel = $"chat:silo-metrics-{i}", data = new { n = i } });
        }

        // The gateway reports its counters into the node registry; the silo publishes the totals on the Orleans meter.
        var text = "";
        await Eventually.Until(async () =>
        {
            using var response = await Scrape(http, Password);
            text = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK
                && Value(text, "switchboard_publications_total") >= 3
                && Value(text, "switchboard_gateway_nodes") >= 1;
        }, () => text.Length > 3000 ? text[..3000] : text, tolerateConnectionErrors: true);

        Assert.Matches(OrleansMetric(), text);
        Assert.NotNull(Value(text, "switchboard_api_requests_total"));
        Assert.Contains("service_name=\"switchboard-silo\"", text, StringComparison.Ordinal);

        // The Rasa auth token is an admin credential here too, as on the gateways.
        using var withToken = await Scrape(http, AuthToken);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Matches(OrleansMetric(), await withToken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutCredentialsASiloGeneratesAPasswordAndOnlyMetricsOpenOpensIt()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 0, Gateways = 0 });
        var (securePort, openPort) = (FreePort.Next(), FreePort.Next());
        var secure = await cluster.AddSiloAsync("--metrics-port", Invariant(securePort), "--address", "127.0.0.1");
        var open = await cluster.AddSiloAsync("--metrics-port", Invariant(openPort), "--address", "127.0.0.1", "--metrics-open");

        var password = GeneratedPassword().Match(secure.Process.Output);
        Assert.True(password.Success, secure.Process.Output);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using (var anonymous = await Scrape(http, null, securePort))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await ServesOrleansMetrics(http, password.Groups["password"].Value, securePort);

        Assert.Contains("WARNING: --metrics-open", open.Process.Output, StringComparison.Ordinal);
        await ServesOrleansMetrics(http, null, openPort);
    }

    [Fact]
    public async Task AMetricsPortThatIsNotAPortIsAClearError()
    {
        // It is checked before the silo connects anywhere, so no Redis is needed.
        await using var silo = NodeProcess.StartProject("Silo", ["--redis", "127.0.0.1:1", "--metrics-port", "abc"]);
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains("--metrics-port takes a port number", silo.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> Scrape(HttpClient http, string? bearer, int? port = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, port is { } p ? $"http://127.0.0.1:{Invariant(p)}/metrics" : "/metrics");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Polls until a scrape answers 200 with Orleans metrics (some instruments appear only once the runtime records them).</summary>
    private static async Task ServesOrleansMetrics(HttpClient http, string? bearer, int port)
    {
        var last = "";
        await Eventually.Until(async () =>
        {
            using var response = await Scrape(http, bearer, port);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return response.StatusCode == HttpStatusCode.OK && OrleansMetric().IsMatch(last);
        }, () => last.Length > 2000 ? last[..2000] : last);
    }

    /// <summary>The value of the first sample of a metric in Prometheus text format, or null when it is absent.</summary>
    private static double? Value(string text, string metric)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(metric) + @"(\{[^}]*\})? (?<value>\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : null;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A sample of one of the runtime's own instruments (activations, messaging, ...).</summary>
    [GeneratedRegex(@"(?m)^orleans_\w+(\{[^}]*\})? \S+")]
    private static partial Regex OrleansMetric();

    [GeneratedRegex(@"Dashboard password \(generated; [^)]*\): (?<password>[0-9a-f]{64})")]
    private static partial Regex GeneratedPassword();
}
