using System.Net.Http.Headers;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// A Rasa route fed each input as its body (the webhook anonymously, training with the auth token): a 5xx, no answer
/// or a dead process is a failure; any 4xx is a refusal. The process must keep serving its model after every input.
/// </summary>
public sealed class RasaRouteTarget(HostileGateway gateway, string path, string contentType) : IFuzzTarget
{
    // Training a well-formed body takes a moment; a hostile one must be refused long before this.
    private readonly HttpClient http = new() { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<string?> Try(byte[] input)
    {
        using var content = new ByteArrayContent(input);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        try
        {
            using var response = await http.PostAsync(path, content);
            return (int)response.StatusCode >= 500 ? $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}" : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return gateway.Process.HasExited ? "the process died" : "no answer: " + ex.Message;
        }
    }
}
