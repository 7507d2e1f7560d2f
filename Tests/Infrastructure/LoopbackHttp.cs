using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A throwaway HTTP server on a free loopback port with the routes a test maps (model servers, callbacks).</summary>
public sealed class LoopbackHttp : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackHttp(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>The base address, without a trailing slash.</summary>
    public string Url { get; }

    public static async Task<LoopbackHttp> StartAsync(Action<WebApplication> map)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackHttp(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
