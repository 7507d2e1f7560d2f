using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// A secret the operator chose too short to hold gets one warning at start-up naming its flag (never its value): an
/// HMAC key under 32 bytes, a token or password under 16 characters. The gateway still starts, as Rasa and Centrifugo
/// configurations expect; generated secrets and long enough ones are not warned about.
/// </summary>
public sealed class WeakSecretTests
{
    private static readonly string[] Flags = ["--secret", "--api_key", "--auth-token", "--jwt-secret", "--dashboard-password"];

    [Fact]
    public async Task EachShortChosenSecretIsWarnedAboutByItsFlagAndNotShown()
    {
        await using var server = await GatewayHost.StartWithDefaultsAsync(
            "--secret", "s3cret-31-bytes-long-still-weak", "--api_key", "k3y", "--enable-api", "--auth-token", "tok-fifteen-chr",
            "--jwt-secret", "thisismysecret", "--dashboard-password", "pw");
        var warnings = Warnings(server);

        Assert.Equal(Flags.Order(StringComparer.Ordinal), warnings.Select(FlagOf).Order(StringComparer.Ordinal));
        Assert.Contains("WARNING: --secret is 31 bytes: an HMAC-SHA256 key shorter than 32 bytes", warnings.Single(w => FlagOf(w) == "--secret"), StringComparison.Ordinal);
        Assert.Contains("WARNING: --auth-token is 15 characters", warnings.Single(w => FlagOf(w) == "--auth-token"), StringComparison.Ordinal);
        foreach (var value in new[] { "s3cret-31-bytes-long-still-weak", "k3y", "tok-fifteen-chr", "thisismysecret" })
        {
            Assert.DoesNotContain(warnings, w => w.Contains(value, StringComparison.Ordinal));
        }

        // Warned, not refused: the short token still authorizes (409: no model loaded, past the credential check).
        using var http = server.CreateClient();
        using var tracker = await http.GetAsync("/conversations/weak/tracker?token=tok-fifteen-chr");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, tracker.StatusCode);
        using var wrong = await http.GetAsync("/conversations/weak/tracker?token=tok-fifteen-chX");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task LongEnoughChosenSecretsAndGeneratedOnesAreNotWarnedAbout()
    {
        await using (var chosen = await GatewayHost.StartWithDefaultsAsync(
            "--secret", new string('s', 32), "--api_key", new string('k', 16), "--enable-api", "--auth-token", new string('t', 16),
            "--jwt-secret", new string('j', 32), "--dashboard-password", new string('p', 16)))
        {
            Assert.Empty(Warnings(chosen));
        }

        await using var generated = await GatewayHost.StartWithDefaultsAsync("--enable-api");
        Assert.Empty(Warnings(generated));
    }

    private static List<string> Warnings(GatewayHost server) =>
        [.. server.Services.GetRequiredService<StartupBanner>().Render("http://x").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("WARNING: --", StringComparison.Ordinal) && (line.Contains(" bytes: ", StringComparison.Ordinal) || line.Contains(" characters: ", StringComparison.Ordinal)))];

    private static string FlagOf(string warning) => warning["WARNING: ".Length..warning.IndexOf(" is ", StringComparison.Ordinal)];
}
