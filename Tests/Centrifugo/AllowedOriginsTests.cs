using Microsoft.Extensions.Configuration;
using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.Tests.Centrifugo;

/// <summary><c>allowed_origins</c>: how a browser's Origin is judged at the WebSocket upgrade, and how the option is read.</summary>
public sealed class AllowedOriginsTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("http://gateway.example:8000", true)]
    [InlineData("HTTP://Gateway.Example:8000", true)]
    [InlineData("http://gateway.example", false)]
    [InlineData("http://gateway.example:8001", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("null", false)]
    public void WithoutPatternsOnlyTheGatewaysOwnOriginIsAllowed(string? origin, bool allowed) =>
        Assert.Equal(allowed, new AllowedOrigins([]).Allow(origin, "gateway.example:8000"));

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://a.b.example.com", true)]
    [InlineData("https://example.com", false)]
    [InlineData("https://app.example.com.evil.example", false)]
    [InlineData("http://app.example.com", false)]
    [InlineData("http://localhost:3000", true)]
    [InlineData("http://localhost:30000", false)]
    public void PatternsMatchWholeOriginsWithStars(string origin, bool allowed) =>
        Assert.Equal(allowed, new AllowedOrigins(["https://*.example.com", "http://localhost:3000"]).Allow(origin, "gateway.example:8000"));

    [Fact]
    public void AStarAloneAllowsAnyOriginButNotAnOverlongOne()
    {
        var any = new AllowedOrigins(["*"]);
        Assert.True(any.Allow("https://anything.example", "gateway.example"));
        Assert.False(any.Allow("https://" + new string('a', 1000) + ".example", "gateway.example"));
    }

    [Theory]
    [InlineData("*a*a*a*a*a*a*b", false)]
    [InlineData("*a*a*a*a*a*a*", true)]
    [InlineData("a*", true)]
    [InlineData("*b", false)]
    public void ManyStarsOnALongOrigin(string pattern, bool allowed) =>
        // A backtracking matcher would take ~290^7 steps on the first: the check must stay pattern × origin.
        Assert.Equal(allowed, new AllowedOrigins([pattern]).Allow(new string('a', 290), "gateway.example"));

    [Theory]
    [InlineData("allowed_origins", "https://a.example, https://b.example")]
    [InlineData("allowed_origins:0", "https://a.example")]
    public void IsReadFromAListOrACommaSeparatedValue(string key, string value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value, ["allowed_origins:1"] = key.Contains(':') ? "https://b.example" : null }).Build();
        Assert.Equal(["https://a.example", "https://b.example"], AllowedOrigins.From(config).Patterns);
    }
}
