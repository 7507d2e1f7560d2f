using System.Text.Json.Nodes;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// <c>PUT /model {"model_server": {url, params, headers, token, token_name}}</c>: fetches the model file into the
/// models directory, from where every silo loads it like a <c>model_file</c>.
/// </summary>
public static class ModelServer
{
    private const long MaxModelBytes = 512L * 1024 * 1024;

    /// <summary>The saved file's path, or an error message for the 400 answer.</summary>
    public static async Task<(string? Path, string? Error)> Fetch(JsonNode? endpoint, string modelsDirectory, HttpClient http, CancellationToken cancellation)
    {
        if (endpoint is not JsonObject config || RasaRequest.OptionalString(config["url"]) is not { Length: > 0 } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (null, "'model_server' needs an http(s) 'url'.");
        }

        var query = new List<string>();
        if (config["params"] is JsonObject parameters)
        {
            query.AddRange(parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value?.ToString() ?? "")));
        }

        if (RasaRequest.OptionalString(config["token"]) is { Length: > 0 } token)
        {
            query.Add(Uri.EscapeDataString(RasaRequest.OptionalString(config["token_name"]) ?? "token") + "=" + Uri.EscapeDataString(token));
        }

        var builder = new UriBuilder(uri);
        if (query.Count > 0)
        {
            builder.Query = string.Join("&", builder.Query.TrimStart('?') is { Length: > 0 } q ? query.Prepend(q) : query);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (config["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value?.ToString());
            }
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"The model server answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > MaxModelBytes)
            {
                return (null, $"The model server's file is larger than {MaxModelBytes} bytes.");
            }

            Directory.CreateDirectory(modelsDirectory);
            var path = System.IO.Path.Combine(modelsDirectory, FileName(response, builder.Uri));
            await using (var file = File.Create(path))
            {
                await response.Content.CopyToAsync(file, cancellation);
            }

            return (path, null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"The model server could not be reached: {e.Message}");
        }
    }

    /// <summary>Rasa's model server names the file in a <c>filename</c> header; a safe name is kept, else one is made.</summary>
    private static string FileName(HttpResponseMessage response, Uri uri)
    {
        var named = response.Headers.TryGetValues("filename", out var values) ? values.FirstOrDefault()
            : response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? uri.Segments.LastOrDefault();
        named = System.IO.Path.GetFileName(named ?? "");
        return named.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && named.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) < 0
            ? named
            : $"model-server-{Guid.NewGuid():N}.zip";
    }
}
