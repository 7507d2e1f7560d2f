using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Bot.Model;
using Switchboard.Tests.Bot.Conversation;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// One gateway (Rasa API on, our action server of the example bots behind its endpoints) that loads each example bot
/// in turn: trained from the corpus files at run time, saved as a model file, loaded with <c>PUT /model</c>.
/// </summary>
public sealed class ExampleBotServer : IAsyncLifetime
{
    public const string Token = "conformance-token";

    private readonly Dictionary<string, string> models = new(StringComparer.Ordinal);

    // The gateway's models directory: PUT /model loads only from there.
    private readonly string modelsDir = Directory.CreateTempSubdirectory("switchboard-conformance-models-").FullName;
    private string? loaded;

    public ActionServer Actions { get; private set; } = null!;

    public RasaServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var knowledgeBase = KnowledgeBase.Load(Path.Combine(RasaExample.Named("knowledgebasebot").Directory, "knowledge_base_data.json"));
        Actions = await ActionServer.StartAsync();
        Actions.Handler = request => ExampleActions.Answer(request, knowledgeBase);
        Server = await RasaServer.StartAsync(["--enable-api", "--auth-token", Token, "--endpoints", Actions.WriteEndpoints(), "--models-dir", modelsDir], loadModel: false);
    }

    /// <summary>Makes <paramref name="bot"/> the loaded model (training it on first use) and returns its trained model.</summary>
    public async Task<BotModel> Load(RasaExample bot)
    {
        if (!models.TryGetValue(bot.Name, out var path))
        {
            var model = await Task.Run(() => BotModel.Train(bot.Read()));
            path = Path.Combine(modelsDir, $"{bot.Name}-{model.FileName}");
            model.Save(path);
            models[bot.Name] = path;
        }

        if (loaded != bot.Name)
        {
            var (status, body) = await Server.Send(HttpMethod.Put, $"/model?token={Token}", new JsonObject { ["model_file"] = path }.ToJsonString());
            Assert.True(status == HttpStatusCode.NoContent, $"PUT /model {bot.Name}: {status} {body}");
            await Eventually.Get(
                async () => (await Server.Send(HttpMethod.Get, $"/status?token={Token}")).Body,
                status => status.Contains(Path.GetFileName(path), StringComparison.Ordinal),
                what: $"{bot.Name} loaded");
            loaded = bot.Name;
        }

        return BotModel.Load(path);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Actions.DisposeAsync();
        Directory.Delete(modelsDir, recursive: true);
    }
}
