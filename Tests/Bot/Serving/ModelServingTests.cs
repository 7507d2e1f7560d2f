using Switchboard.Conversations;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Switchboard.ApiGateway.Conversations;
using Switchboard.Bot.Serving;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Operations;

namespace Switchboard.Tests.Bot.Serving;

/// <summary>The model served across the cluster: parses on the silos' model workers, training jobs in /status, and PUT /model sources.</summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class ModelServingTests
{
    private const string Token = "serving-test-token";

    [Fact]
    public async Task Parse_is_answered_by_a_silo_model_worker()
    {
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--enable-api", "--auth-token", Token, "-m", ExampleProject.ModelPath);
        using var http = gateway.CreateClient();
        var parsed = await Eventually.Get(() => Post(http, "/model/parse", """{"text": "hello there"}"""), r => r.Status == HttpStatusCode.OK, "parse", TimeSpan.FromMinutes(2));
        Assert.Equal("greet", (string?)JsonNode.Parse(parsed.Body)!["intent"]!["name"]);

        var predicted = await Post(http, "/model/predict", Greeted);
        Assert.Equal(HttpStatusCode.OK, predicted.Status);
        AssertGreetsBack(predicted.Body);

        var management = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var stats = await management.GetSimpleGrainStatistics();
        Assert.Contains(stats, s => s.GrainType.Contains(nameof(ModelWorkerGrain), StringComparison.Ordinal) && s.ActivationCount > 0);
    }

    [Fact]
    public async Task Parse_works_when_the_gateway_is_a_redis_client_of_a_silo_process()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            Gateways = 1,
            GatewayArgs = ["--enable-api", "--auth-token", Token, "-m", ExampleProject.ModelPath],
        });
        using var http = new HttpClient { BaseAddress = cluster.Gateways[0].BaseUrl };
        var parsed = await Eventually.Get(() => Post(http, "/model/parse", """{"text": "book a table for 4 people"}"""), r => r.Status == HttpStatusCode.OK, "parse", TimeSpan.FromMinutes(2));
        Assert.Equal("request_restaurant", (string?)JsonNode.Parse(parsed.Body)!["intent"]!["name"]);

        var predicted = await Post(http, "/model/predict", Greeted);
        Assert.Equal(HttpStatusCode.OK, predicted.Status);
        AssertGreetsBack(predicted.Body);
    }

    [Fact]
    public async Task Status_counts_a_training_job_while_it_runs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var callback = await LoopbackHttp.StartAsync(app => app.MapPost("/trained", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.TrySetResult((int)body.Length);
            await release.Task; // the job stays active until the test has seen it in /status
            return Results.Ok();
        }));
        // /status answers 409 without a model, as Rasa's does: serve the example while training another.
        var models = Directory.CreateTempSubdirectory("switchboard-models-").FullName;
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--enable-api", "--auth-token", Token, "--models-dir", models, "-m", ExampleProject.ModelPath);
        using var http = gateway.CreateClient();
        await Eventually.Get(gateway.Services.GetRequiredService<ModelState>().Current, m => m is not null, "example model loaded", TimeSpan.FromMinutes(2));
        Assert.Equal(0, await ActiveJobs(http));

        var yaml = await File.ReadAllTextAsync(Path.Combine(ExampleProject.Directory, "domain.yml")) + "\n"
            + string.Join('\n', (await File.ReadAllLinesAsync(Path.Combine(ExampleProject.Directory, "data", "nlu.yml"))).Skip(1)); // one version: line
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var started = await http.PostAsync(new Uri($"/model/train?token={Token}&callback_url={Uri.EscapeDataString(callback.Url + "/trained")}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.NoContent, started.StatusCode);

        await Eventually.Get(() => ActiveJobs(http), n => n == 1, "one active training job", TimeSpan.FromMinutes(2));
        Assert.True(await received.Task.WaitAsync(TimeSpan.FromMinutes(3)) > 0);
        // Trained, and still a job while the callback runs: /status shows how far it got and what each stage took.
        var job = JsonNode.Parse(await http.GetStringAsync(new Uri($"/status?token={Token}", UriKind.Relative)))!["training_jobs"]!.AsArray().Single()!;
        Assert.Equal(1.0, (double)job["progress"]!);
        Assert.True((double)job["finished_stages"]!["intents"]! >= 0);
        Assert.Equal("entities", (string?)job["stage"]);
        release.SetResult();
        await Eventually.Get(() => ActiveJobs(http), n => n == 0, "the job finished", TimeSpan.FromMinutes(1));

        // Trained in the request: the response says what each stage took.
        using (var direct = new StringContent(yaml, Encoding.UTF8, "application/yaml"))
        using (var trained = await http.PostAsync(new Uri($"/model/train?token={Token}&force_training=true", UriKind.Relative), direct))
        {
            Assert.Equal(HttpStatusCode.OK, trained.StatusCode);
            Assert.Matches(@"^intents \d+\.\d\ds, entities \d+\.\d\ds$", trained.Headers.GetValues("X-Training-Stages").Single());
        }
    }

    [Fact]
    public async Task Put_model_fetches_from_a_model_server_and_refuses_remote_storage()
    {
        var bytes = await File.ReadAllBytesAsync(ExampleProject.ModelPath);
        string? seenQuery = null;
        await using var server = await LoopbackHttp.StartAsync(app =>
        {
            app.MapGet("/models/latest", (HttpRequest request, HttpResponse response) =>
            {
                seenQuery = request.QueryString.Value;
                response.Headers["filename"] = "from-server.zip";
                return Results.Bytes(bytes, "application/zip");
            });
            app.MapGet("/models/missing", () => Results.NotFound());
        });
        var models = Directory.CreateTempSubdirectory("switchboard-models-").FullName;
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--enable-api", "--auth-token", Token, "--models-dir", models);
        using var http = gateway.CreateClient();

        var storage = await Put(http, """{"remote_storage": "aws"}""");
        Assert.Equal(HttpStatusCode.BadRequest, storage.Status);
        Assert.Contains("model_server", storage.Body, StringComparison.Ordinal);

        var missing = await Put(http, $$$"""{"model_server": {"url": "{{{server.Url}}}/models/missing"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("404", missing.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put(http, """{"model_server": {"url": "ftp://example/x.zip"}}""")).Status);

        var loaded = await Put(http, $$$"""{"model_server": {"url": "{{{server.Url}}}/models/latest", "params": {"tag": "prod"}, "token": "s3", "token_name": "key"}}""");
        Assert.Equal(HttpStatusCode.NoContent, loaded.Status);
        Assert.Equal("?tag=prod&key=s3", seenQuery);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(models, "from-server.zip")));
        var status = JsonNode.Parse(await http.GetStringAsync(new Uri($"/status?token={Token}", UriKind.Relative)))!;
        Assert.Equal("from-server.zip", (string?)status["model_file"]);
        var parsed = await Post(http, "/model/parse", """{"text": "goodbye"}""");
        Assert.Equal("goodbye", (string?)JsonNode.Parse(parsed.Body)!["intent"]!["name"]);
    }

    /// <summary>A user who just said hello: the example bot's stories answer with utter_greet.</summary>
    private const string Greeted = """
        [{"event": "action", "name": "action_session_start"}, {"event": "action", "name": "action_listen"},
         {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}}]
        """;

    private static void AssertGreetsBack(string body)
    {
        var answer = JsonNode.Parse(body)!;
        var best = answer["scores"]!.AsArray().OrderByDescending(s => (double)s!["score"]!).First()!;
        Assert.Equal("utter_greet", (string?)best["action"]);
        Assert.Equal("default", (string?)answer["tracker"]!["sender_id"]);
    }

    private static async Task<int> ActiveJobs(HttpClient http) =>
        (int)JsonNode.Parse(await http.GetStringAsync(new Uri($"/status?token={Token}", UriKind.Relative)))!["num_active_training_jobs"]!;

    private static async Task<(HttpStatusCode Status, string Body)> Post(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var answer = await http.PostAsync(new Uri($"{path}?token={Token}", UriKind.Relative), content);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Body)> Put(HttpClient http, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var answer = await http.PutAsync(new Uri($"/model?token={Token}", UriKind.Relative), content);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }
}
