using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>A gateway with the test domain and a callback URL served by a second, recording Kestrel app.</summary>
public sealed class TrackerFixture : IAsyncLifetime
{
    public const string Token = "tracker-token";
    private WebApplication? callbackApp;

    public RasaServer Server { get; private set; } = null!;

    public List<string> Callbacks { get; } = [];

    public async Task InitializeAsync()
    {
        var callbackUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(callbackUrl);
        callbackApp = builder.Build();
        callbackApp.MapPost("/bot", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            lock (Callbacks)
            {
                Callbacks.Add(body);
            }

            return Results.Ok();
        });
        await callbackApp.StartAsync();
        Server = await RasaServer.StartAsync(["--enable-api", "--auth-token", Token, "--callback-url", callbackUrl + "/bot"], adminAuth: RasaServer.Token(Token));
    }

    public List<string> CallbacksSoFar()
    {
        lock (Callbacks)
        {
            return [.. Callbacks];
        }
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (callbackApp is not null)
        {
            await callbackApp.DisposeAsync();
        }
    }
}
