using System.Globalization;
using Switchboard.Tests.Bot;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// The target of the Rasa hostile-input suite: a gateway process (embedded silo) serving the Rasa API with the
/// example's trained model from its models directory, both credentials configured. A real process, so that a
/// crash or a memory blow-up caused by an input happens to it and is seen, not to the test host.
/// </summary>
public sealed class RasaHostileServer : IAsyncDisposable
{
    public const string AuthToken = "hostile-token";

    private RasaHostileServer(NodeProcess process, Uri baseUrl, string modelsDir, string modelPath)
    {
        Process = process;
        BaseUrl = baseUrl;
        ModelsDir = modelsDir;
        ModelPath = modelPath;
    }

    public NodeProcess Process { get; }

    public Uri BaseUrl { get; }

    public string ModelsDir { get; }

    /// <summary>The example's trained model, in the models directory.</summary>
    public string ModelPath { get; }

    public static string Admin => "Bearer " + RasaTokens.Admin();

    public static async Task<RasaHostileServer> StartAsync(params string[] args)
    {
        var modelsDir = Directory.CreateTempSubdirectory("switchboard-hostile-models-").FullName;
        var model = Path.Combine(modelsDir, Path.GetFileName(ExampleProject.ModelPath));
        File.Copy(ExampleProject.ModelPath, model);
        var port = FreePort.Next();
        string[] all =
        [
            "--urls", $"http://127.0.0.1:{Invariant(port)}", "--silo-port", Invariant(FreePort.Next()), "--gateway-port", Invariant(FreePort.Next()),
            "--enable-api", "--auth-token", AuthToken, "--jwt-secret", RasaTokens.Secret, "--models-dir", modelsDir, "-m", model,
            .. args,
        ];
        var server = new RasaHostileServer(NodeProcess.StartProject("ApiGateway", all, name: $"rasa-gateway:{port}"), new Uri($"http://127.0.0.1:{Invariant(port)}/"), modelsDir, model);
        try
        {
            await Eventually.Until(async () => server.Process.HasExited || await server.Status("/status", Admin) == 200, server.Tail, TimeSpan.FromMinutes(3));
            Assert.False(server.Process.HasExited, "the gateway exited during start-up:\n" + server.Tail());
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The process is up and still serves the example model after <paramref name="after"/>: nothing loaded was lost.</summary>
    public async Task AssertStillAnswers(string after)
    {
        Assert.False(Process.HasExited, $"the gateway died after {after}:\n{Tail()}");
        var (status, body) = await RasaRawHttp.Send(BaseUrl, "GET", "/status", Admin);
        Assert.True(status == 200, $"/status answers {status} after {after}: {body}\n{Tail()}");
        Assert.Contains(Path.GetFileName(ModelPath), body, StringComparison.Ordinal);
    }

    /// <summary>A memory line of <c>/proc/PID/status</c> in bytes (<see cref="NodeProcess.Memory"/>).</summary>
    public long Memory(string field) => Process.Memory(field);

    public string Tail() => Process.Tail();

    public async ValueTask DisposeAsync()
    {
        await Process.StopAsync(TimeSpan.FromSeconds(20));
        await Process.DisposeAsync();
        Directory.Delete(ModelsDir, recursive: true);
    }

    private async Task<int> Status(string target, string? authorization)
    {
        try
        {
            return (await RasaRawHttp.Send(BaseUrl, "GET", target, authorization)).Status;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return 0;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
