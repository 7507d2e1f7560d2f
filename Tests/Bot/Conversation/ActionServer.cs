using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>A small Rasa SDK-style action server on a free loopback port that records what it receives.</summary>
public sealed class ActionServer : IAsyncDisposable
{
    private LoopbackHttp? http;

    public string Url => http!.Url + "/webhook";

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>Answers a request body; null answers 500 (a failing action).</summary>
    public Func<JsonObject, JsonObject?> Handler { get; set; } = _ => new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() };

    public static async Task<ActionServer> StartAsync()
    {
        var server = new ActionServer();
        server.http = await LoopbackHttp.StartAsync(app => app.MapPost("/webhook", async (HttpRequest request) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            server.Requests.Enqueue(body);
            return server.Handler(body) is { } answer
                ? Results.Text(answer.ToJsonString(), "application/json")
                : Results.Json(new { error = "the action crashed" }, statusCode: 500);
        }));
        return server;
    }

    /// <summary>An endpoints.yml pointing at this server.</summary>
    public string WriteEndpoints()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-endpoints-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, $"action_endpoint:\n  url: \"{Url}\"\n");
        return path;
    }

    public ValueTask DisposeAsync() => http?.DisposeAsync() ?? ValueTask.CompletedTask;
}
