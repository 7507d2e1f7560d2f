using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>A small Rasa SDK-style action server on a free loopback port that records what it receives.</summary>
public sealed class ActionServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ActionServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>Answers a request body; null answers 500 (a failing action).</summary>
    public Func<JsonObject, JsonObject?> Handler { get; set; } = _ => new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() };

    public static async Task<ActionServer> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ActionServer(app, url + "/webhook");
        app.MapPost("/webhook", async (HttpRequest request) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            server.Requests.Enqueue(body);
            return server.Handler(body) is { } answer
                ? Results.Text(answer.ToJsonString(), "application/json")
                : Results.Json(new { error = "the action crashed" }, statusCode: 500);
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>An endpoints.yml pointing at this server.</summary>
    public string WriteEndpoints()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-endpoints-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, $"action_endpoint:\n  url: \"{Url}\"\n");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
