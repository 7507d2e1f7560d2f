namespace Switchboard.Tests.Conversations;

/// <summary>A gateway with both Rasa credentials: <c>--auth-token</c> and the seed's short <c>--jwt-secret</c>.</summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public const string AuthToken = "rasatoken";

    public RasaServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await RasaServer.StartAsync(["--enable-api", "--auth-token", AuthToken, "--jwt-secret", RasaTokens.Secret], adminAuth: RasaServer.Token(AuthToken));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
