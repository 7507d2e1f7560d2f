using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using YamlDotNet.RepresentationModel;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Rasa's callback channel: bot messages are POSTed, one JSON message per request, to the URL configured as
/// <c>--callback-url</c> or under <c>callback: url:</c> in the <c>--credentials</c> file.
/// </summary>
public sealed class CallbackChannel(HttpClient http, string? url, ILogger<CallbackChannel> logger)
{
    public const string Name = "callback";

    public bool Configured => url is not null;

    public async Task Send(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellation)
    {
        if (url is null)
        {
            return;
        }

        foreach (var message in messages)
        {
            try
            {
                using var content = new ByteArrayContent(EventWriter.ToUtf8(w => EventWriter.WriteMessage(w, message)));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using var response = await http.PostAsync(url, content, cancellation);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Callback URL answered {Status} to a bot message", (int)response.StatusCode);
                }
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning(e, "Posting a bot message to the callback URL failed");
            }
        }
    }

    public static string? UrlFrom(IConfiguration config)
    {
        if (config["callback_url"] is { Length: > 0 } url)
        {
            return url;
        }

        if (config["credentials"] is not { Length: > 0 } file || !File.Exists(file))
        {
            return null;
        }

        var (_, root) = YamlSource.Load(File.ReadAllText(file), file);
        return root.Children.TryGetValue(new YamlScalarNode(Name), out var callback)
               && callback is YamlMappingNode settings
               && settings.Children.TryGetValue(new YamlScalarNode("url"), out var value)
               && value is YamlScalarNode { Value: { Length: > 0 } configured }
            ? configured
            : null;
    }
}
