using System.Diagnostics.Metrics;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Security;

/// <summary>
/// Issue 10, item 7: a catastrophic training regex (<c>(a+)+$</c>) made parses answer 500 and cut throughput
/// twenty-fold. Patterns run on the linear-time engine where it supports them; a backtracking pattern that runs
/// out of time is no match (counted, reported once), never an error; a pattern that does not compile is a
/// located training-data error.
/// </summary>
public sealed class RasaRegexTests
{
    public static readonly string Attack = new string('a', 30) + "b";

    public const string Catastrophic = "(a+)+$";

    /// <summary>Needs backtracking (a lookahead) and backtracks exponentially on <see cref="Attack"/>.</summary>
    public const string CatastrophicWithLookahead = "^(?=(a+)+$)a";

    public static string TrainingData(string pattern) => $"""
        version: "3.1"
        intents: [greet, inform]
        entities: [code]
        nlu:
        - intent: greet
          examples: |
            - hello
            - hi there
        - intent: inform
          examples: |
            - my code is [aaa](code)
            - the code [aaaa](code) please
        - regex: code
          examples: |
            - {pattern}
        """;

    [Fact]
    public void CatastrophicPatternsRunInLinearTime()
    {
        var regex = new FeatureRegex(Catastrophic);
        Assert.True(regex.IsLinear);
        Assert.Empty(regex.Matches(Attack));
        Assert.Equal("aaa", Assert.Single(regex.Matches("say aaa")).Value);
    }

    [Fact]
    public void ABacktrackingPatternThatRunsOutOfTimeIsNoMatchCountedAndReportedOnce()
    {
        // Reports are once per pattern per minute and process-wide: a comment makes this test's pattern its own.
        var regex = new FeatureRegex(CatastrophicWithLookahead + "(?#" + Guid.NewGuid().ToString("N") + ")");
        Assert.False(regex.IsLinear);
        var reports = 0;
        void Count(string pattern)
        {
            if (pattern == regex.Pattern)
            {
                Interlocked.Increment(ref reports);
            }
        }

        long timeouts = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FeatureRegex.MeterName && instrument.Name == "switchboard.nlu.regex_timeouts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref timeouts, value));
        listener.Start();
        FeatureRegex.TimedOut += Count;
        try
        {
            Assert.Empty(regex.Matches(Attack));
            Assert.Empty(regex.Matches(Attack));
        }
        finally
        {
            FeatureRegex.TimedOut -= Count;
        }

        Assert.Equal(1, reports);
        Assert.True(Interlocked.Read(ref timeouts) >= 2, $"timeouts counted: {timeouts}");
    }

    [Theory]
    [InlineData(Catastrophic)]
    [InlineData(CatastrophicWithLookahead)]
    public void AModelWithACatastrophicRegexStillParses(string pattern)
    {
        var model = BotModel.Train(TrainingDataReader.FromYaml(TrainingData(pattern)));
        var parsed = model.Parse("my code is " + Attack);
        Assert.NotNull(parsed.Intent);
        Assert.DoesNotContain(parsed.Entities, e => e.Extractor == "RegexEntityExtractor" && e.ValueText.Contains('b', StringComparison.Ordinal));
    }

    [Fact]
    public void ARegexThatDoesNotCompileIsALocatedTrainingDataError()
    {
        var e = Assert.Throws<BotDataException>(() => TrainingDataReader.FromYaml(TrainingData("[0-9"), "nlu.yml"));
        Assert.Equal(15, e.Line);
        Assert.Contains("regex 'code' has an invalid pattern", e.Message, StringComparison.Ordinal);
    }
}
