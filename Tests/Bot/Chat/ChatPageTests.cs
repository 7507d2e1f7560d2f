using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Conversations;
using Switchboard.ApiGateway.Conversations.Chat;
using Switchboard.Conversations;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Operations;

namespace Switchboard.Tests.Bot.Chat;

/// <summary>The <c>/chat</c> page: closed by default, and with <c>--chat</c> a real browser talks to the example bot.</summary>
public sealed class ChatPageTests
{
    [Fact]
    public async Task Without_the_chat_flag_there_is_no_page_and_no_token()
    {
        await using var gateway = await GatewayHost.StartWithDefaultsAsync();
        using var http = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/chat/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(new Uri("/chat/token", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task Each_token_is_for_a_fresh_conversation_on_its_own_channel()
    {
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--chat", "--secret", "chat-test-secret");
        using var http = gateway.CreateClient();
        var first = await Token(http);
        var second = await Token(http);
        Assert.NotEqual((string?)first["conversation_id"], (string?)second["conversation_id"]);
        var id = (string)first["conversation_id"]!;
        Assert.Equal(ConversationChannel.For(id), (string?)first["channel"]);

        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(((string)first["token"]!).Split('.')[1]))!;
        Assert.Equal(id, (string?)claims["sub"]);
        Assert.True((long)claims["exp"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var page = await http.GetAsync(new Uri("/chat/centrifuge.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Centrifuge", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_without_the_centrifuge_bundle_starts_and_the_page_says_what_to_do()
    {
        // What a build made where npm was missing embeds: the page and its script, no SDK bundle.
        var assets = ChatAssets.Load(name => name == "centrifuge.js" ? null : typeof(ChatAssets).Assembly.GetManifestResourceStream("Switchboard.Chat." + name));
        Assert.Null(assets.Centrifuge);
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--chat"], configure: builder => builder.Services.AddSingleton(assets));
        foreach (var path in new[] { "/chat/", "/chat/centrifuge.js" })
        {
            using var response = await gateway.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("install Node.js (npm), then build the gateway again", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_browser_types_hello_and_sees_the_example_bot_greet_back()
    {
        await using var gateway = await GatewayHost.StartWithDefaultsAsync("--chat", "-m", ExampleProject.ModelPath);
        var models = gateway.Services.GetRequiredService<ModelState>();
        await Eventually.Get(models.Current, m => m is not null, "example model loaded", TimeSpan.FromMinutes(2));

        var screenshot = BrowserCheck.ScreenshotPath("chat.png");
        await using var browser = await BrowserCheck.RunAsync("chat-check.mjs", [gateway.BaseUrl.ToString(), "hello", screenshot]);
        Assert.True(browser.ExitCode == 0, browser.Output);
        Assert.Contains("user: hello", browser.Output, StringComparison.Ordinal);
        var greetings = ExampleProject.Training.Domain.Responses["utter_greet"].Select(v => v.Text!).ToList();
        Assert.Contains(greetings, g => browser.Output.Contains("bot: " + g, StringComparison.Ordinal));
        Assert.True(new FileInfo(screenshot).Length > 5_000);
    }

    private static async Task<JsonNode> Token(HttpClient http)
    {
        using var answer = await http.PostAsync(new Uri("/chat/token", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
    }
}
