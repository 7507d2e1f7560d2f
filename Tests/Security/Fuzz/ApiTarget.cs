using System.Net.Http.Headers;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary><c>POST /api/</c> with each input as the body, correctly signed (so the input reaches the parser and the commands).</summary>
public sealed class ApiTarget(HostileGateway gateway, string secret) : IFuzzTarget
{
    private readonly HttpClient http = new() { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<string?> Try(byte[] input)
    {
        using var content = new ByteArrayContent(input);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/") { Content = content };
        request.Headers.Add(ApiSignature.Header, ApiSignature.Sign(secret, input));
        try
        {
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode >= 500 ? $"answered {(int)response.StatusCode}" : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return gateway.Process.HasExited ? "the process died" : "no answer: " + ex.Message;
        }
    }
}
