using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Bot.Model;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

public sealed class NluOnlyModelTests
{
    [Fact]
    public async Task An_nlu_only_model_parses_and_dialogue_routes_answer_409()
    {
        var model = BotModel.Train(ExampleProject.Training with { Stories = [], Rules = [] });
        var path = Path.Combine(Directory.CreateTempSubdirectory("switchboard-nlu-").FullName, model.FileName);
        model.Save(path);
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", BotGateway.Token, "-m", path], loadModel: false);
        await Eventually.Get(
            async () => (await server.Send(HttpMethod.Get, $"/status?token={BotGateway.Token}")).Body,
            body => body.Contains(model.FileName, StringComparison.Ordinal),
            what: "NLU-only model loaded");

        var (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={BotGateway.Token}", """{"text": "I need a table for 6 people"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("request_restaurant", (string?)JsonNode.Parse(body)!["intent"]!["name"]);

        (status, _) = await server.Send(HttpMethod.Post, $"/conversations/nlu-only/predict?token={BotGateway.Token}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        (status, _) = await server.Send(HttpMethod.Post, $"/model/predict?token={BotGateway.Token}", "[]");
        Assert.Equal(HttpStatusCode.Conflict, status);
    }
}
