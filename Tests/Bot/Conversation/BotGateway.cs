using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>One gateway with the trained example loaded and an action server, shared by a test class.</summary>
public sealed class BotGateway : IAsyncLifetime
{
    public const string Token = "bot-test-token";

    public ActionServer Actions { get; private set; } = null!;

    public RasaServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Actions = await ActionServer.StartAsync();
        Server = await RasaServer.StartAsync(
            ["--enable-api", "--auth-token", Token, "-m", ExampleProject.ModelPath, "--endpoints", Actions.WriteEndpoints()],
            loadModel: false);
        await Eventually.Get(
            async () => (await Server.Send(HttpMethod.Get, $"/status?token={Token}")).Body,
            body => body.Contains(".zip", StringComparison.Ordinal),
            what: "trained model loaded");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Actions.DisposeAsync();
    }
}
