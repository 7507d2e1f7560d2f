using System.Text.Json.Nodes;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// <c>PUT /model {"model_server": {url, params, headers, token, token_name}}</c>: fetches the model file into the
/// models directory, from where every silo loads it like a <c>model_file</c>.
/// </summary>
public static class ModelServer
{
    /// <summary>
    /// The saved file's path, or an error message for the 400 answer. A file over <paramref name="maxBytes"/> is
    /// refused by its Content-Length, or, sent without one (chunked), at the first byte over, and deleted.
    /// </summary>
    public static async Task<(string? Path, string? Error)> Fetch(JsonNode? endpoint, string modelsDirectory, long maxBytes, HttpClient http, CancellationToken cancellation)
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

        string? partial = null;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"The model server answered {(int)response.StatusCode}.");
            }

            var tooLarge = $"The model server's file is larger than {maxBytes} bytes (--model-max-size).";
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return (null, tooLarge);
            }

            Directory.CreateDirectory(modelsDirectory);
            var path = System.IO.Path.Combine(modelsDirectory, FileName(response, builder.Uri));
            partial = path + ".partial";
            await using (var file = File.Create(partial))
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellation);
                var chunk = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(chunk, cancellation)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        return (null, tooLarge);
                    }

                    await file.WriteAsync(chunk.AsMemory(0, read), cancellation);
                }
            }

            File.Move(partial, path, overwrite: true);
            return (path, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (null, $"The model server could not be reached: {e.Message}");
        }
        finally
        {
            if (partial is not null)
            {
                File.Delete(partial);
            }
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
