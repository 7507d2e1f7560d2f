using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>The gateway with its co-hosted silo (the embedded default), in this process on free loopback ports.</summary>
public sealed class EmbeddedGateway : IAsyncDisposable
{
    private EmbeddedGateway(WebApplication app, Uri baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; }

    public static async Task<EmbeddedGateway> StartAsync(params string[] args)
    {
        var port = FreePort.Next();
        var app = GatewayApp.Create(
        [
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--silo-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            .. args,
        ]);
        await app.StartAsync();
        return new EmbeddedGateway(app, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>An HTTP client that does not follow redirects or keep cookies, so tests see exactly what the server says.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUrl };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
