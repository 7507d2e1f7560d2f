using System.Diagnostics;
using System.Text;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Security;

/// <summary>
/// Issue 10, items 2 and 5: deep nesting (a stack overflow ended the process) and alias expansion ("billion
/// laughs", gigabytes) are refused by every YAML reader with a located error, which the routes answer as 400.
/// </summary>
public sealed class RasaYamlBombTests
{
    /// <summary>A response whose text is a flow list nested <paramref name="levels"/> deep, inside an otherwise valid domain.</summary>
    public static string Nested(int levels) =>
        "version: \"3.1\"\nintents: [greet]\nresponses:\n  utter_greet:\n  - text: hi\n    custom: " + new string('[', levels) + new string(']', levels) + "\n";

    /// <summary>Anchors each listing the previous one ten times: 10^<paramref name="levels"/> nodes when expanded.</summary>
    public static string AliasBomb(int levels)
    {
        var yaml = new StringBuilder("version: \"3.1\"\nintents: [greet]\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= levels; i++)
        {
            yaml.Append(FormattableString.Invariant($"a{i}: &a{i} [")).AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", 10)).Append("]\n");
        }

        return yaml.ToString();
    }

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)]
    public void DeepNestingIsRefusedWithItsLocation(int levels)
    {
        var e = Assert.Throws<BotDataException>(() => BotDomain.Parse(Nested(levels), "domain.yml"));
        Assert.Contains($"nested more than {BoundedYamlParser.MaxDepth} levels", e.Message, StringComparison.Ordinal);
        Assert.Contains("domain.yml", e.Message, StringComparison.Ordinal);
        Assert.Throws<BotDataException>(() => TrainingDataReader.FromYaml(Nested(levels), "data.yml"));
    }

    [Fact]
    public void NestingWithinTheLimitIsRead()
    {
        // The response's custom payload sits at depth 4 (document, responses, the list, the response).
        var domain = BotDomain.Parse(Nested(BoundedYamlParser.MaxDepth - 4), "domain.yml");
        Assert.Contains("utter_greet", domain.Responses.Keys);
    }

    [Fact]
    public void AliasBombIsRefusedBeforeItExpands()
    {
        var bomb = AliasBomb(9);
        Assert.True(bomb.Length < 1000, "the bomb is small");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<BotDataException>(() => BotDomain.Parse(bomb, "domain.yml"));
        Assert.Contains($"aliases expand to more than {BoundedYamlParser.MaxAliasNodes} nodes", e.Message, StringComparison.Ordinal);
        // Not a timing assertion: a refused bomb is cheap, an expanded one (10^10 nodes) would not finish at all.
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), clock.Elapsed.ToString());
    }

    [Fact]
    public void AliasesWithinTheBudgetWork()
    {
        var yaml = """
            version: "3.1"
            intents: [greet, bye]
            responses:
              utter_greet: &hello
              - text: hello
              utter_bye: *hello
            """;
        var domain = BotDomain.Parse(yaml, "domain.yml");
        Assert.Contains("utter_bye", domain.Responses.Keys);
    }
}
