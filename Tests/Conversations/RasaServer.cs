using System.Net;
using System.Net.Http.Headers;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>A real gateway (Kestrel + embedded silo on free ports) serving the Rasa API with the test domain loaded.</summary>
public sealed class RasaServer : IAsyncDisposable
{
    private RasaServer(GatewayHost host) => Host = host;

    public GatewayHost Host { get; }

    public HttpClient Http => Host.Http;

    /// <summary>Starts a gateway with <paramref name="args"/> plus <c>-m</c> (unless <paramref name="loadModel"/> is false).</summary>
    public static async Task<RasaServer> StartAsync(IEnumerable<string> args, bool loadModel = true, Action<HttpRequestMessage>? adminAuth = null)
    {
        var all = loadModel ? ["-m", TestDomain.Write(), .. args] : args.ToList();
        var server = new RasaServer(await GatewayHost.StartAsync(extraArgs: all));
        if (loadModel)
        {
            // The model loads in the background once the cluster answers.
            await Eventually.Get(
                async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
                    adminAuth?.Invoke(request);
                    using var response = await server.Http.SendAsync(request);
                    return response.StatusCode;
                },
                status => status == HttpStatusCode.OK,
                what: "model loaded");
        }

        return server;
    }

    public static Action<HttpRequestMessage> Bearer(string token) =>
        request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    /// <summary>Adds <c>token=</c> to the request's query string.</summary>
    public static Action<HttpRequestMessage> Token(string token) => request =>
    {
        var uri = request.RequestUri!.OriginalString;
        request.RequestUri = new Uri(uri + (uri.Contains('?') ? "&" : "?") + "token=" + Uri.EscapeDataString(token), UriKind.Relative);
    };

    /// <summary>Sends a request with optional auth and JSON body; returns status and body text.</summary>
    public async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, Action<HttpRequestMessage>? auth = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        auth?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
