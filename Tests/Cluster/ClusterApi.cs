using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>Signed <c>/api/</c> commands to one gateway process.</summary>
public sealed class ClusterApi(GatewayProcess gateway, string secret = ClusterConfig.Secret) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public GatewayProcess Gateway => gateway;

    /// <summary>Posts one command; returns the HTTP status and the response body.</summary>
    public Task<(int Status, string Body)> Post(string method, object parameters, CancellationToken cancel = default) =>
        PostBody(JsonSerializer.Serialize(new { method, @params = parameters }), cancel);

    /// <summary>Posts a raw body (one command or an array of them), signed; returns the HTTP status and the response body.</summary>
    public async Task<(int Status, string Body)> PostBody(string json, CancellationToken cancel = default)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/") { Content = content };
        request.Headers.Add(ApiSignature.Header, ApiSignature.Sign(secret, body));
        using var response = await http.SendAsync(request, cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    /// <summary>Runs a command that must succeed and returns its <c>body</c>.</summary>
    public async Task<JsonElement> Command(string method, object? parameters = null)
    {
        var (status, text) = await Post(method, parameters ?? new { });
        Assert.True(status == 200, $"{method} on {gateway}: {status} {text}");
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        Assert.True(error.ValueKind == JsonValueKind.Null, $"{method} on {gateway}: {text}");
        return json.RootElement.GetProperty("body").Clone();
    }

    /// <summary>Whether a publish was acknowledged: HTTP 200 and no error.</summary>
    public async Task<bool> TryPublish(string channel, object data, CancellationToken cancel = default)
    {
        try
        {
            var (status, text) = await Post("publish", new { channel, data }, cancel);
            if (status != 200)
            {
                return false;
            }

            using var json = JsonDocument.Parse(text);
            return json.RootElement.GetProperty("error").ValueKind == JsonValueKind.Null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The <c>data</c> of every message in the channel's history.</summary>
    public async Task<IReadOnlyList<JsonElement>> History(string channel)
    {
        var body = await Command("history", new { channel });
        return [.. body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("data").Clone())];
    }

    public void Dispose() => http.Dispose();
}
