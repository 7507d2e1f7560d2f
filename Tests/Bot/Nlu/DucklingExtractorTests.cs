using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu.Duckling;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Nlu;

/// <summary>The in-process DucklingEntityExtractor: Duckling's dimensions and value shapes, at a fixed reference time.</summary>
public sealed class DucklingExtractorTests
{
    /// <summary>Monday 30 November 2026, noon UTC.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static readonly DucklingSettings All = new([], null);

    private static JsonObject Single(string text, DucklingSettings? settings = null) =>
        JsonNode.Parse(EventWriter.ToUtf8(w => EventWriter.WriteEntities(w, [Assert.Single(DucklingExtractor.Extract(text, settings ?? All, Now))])))!.AsArray()[0]!.AsObject();

    [Theory]
    [InlineData("a table for 2 people", 2, "2")]
    [InlineData("we are twenty-one", 21, "twenty-one")]
    [InlineData("one hundred and five guests", 105, "one hundred and five")]
    [InlineData("a dozen", 12, "a dozen")]
    [InlineData("1,500 of them", 1500, "1,500")]
    public void Numbers_have_duckling_shape(string text, long value, string matched)
    {
        var entity = Single(text, new DucklingSettings(["number"], null));
        Assert.Equal("number", (string?)entity["entity"]);
        Assert.Equal(value, (long)entity["value"]!);
        Assert.Equal(matched, (string?)entity["text"]);
        Assert.Equal(matched, text[(int)entity["start"]!..(int)entity["end"]!]);
        Assert.Equal(1.0, (double)entity["confidence"]!);
        Assert.Equal("DucklingEntityExtractor", (string?)entity["extractor"]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["value"] = value, ["type"] = "value" }, entity["additional_info"]));
        Assert.Equal(2.5, (double)Single("2.5 kilos please", new DucklingSettings(["number"], null))["value"]!);
    }

    [Theory]
    [InlineData("the second floor", 2, "second")]
    [InlineData("my twenty-first birthday", 21, "twenty-first")]
    [InlineData("on the 3rd floor", 3, "3rd")]
    public void Ordinals_have_duckling_shape(string text, long value, string matched)
    {
        var entity = Single(text, new DucklingSettings(["ordinal", "number"], null));
        Assert.Equal("ordinal", (string?)entity["entity"]);
        Assert.Equal(value, (long)entity["value"]!);
        Assert.Equal(matched, (string?)entity["text"]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["value"] = value, ["type"] = "value" }, entity["additional_info"]));
    }

    [Theory]
    [InlineData("tomorrow at 7", "2026-12-01T07:00:00.000+00:00", "hour")]
    [InlineData("at 7pm", "2026-11-30T19:00:00.000+00:00", "hour")]
    [InlineData("at 7", "2026-11-30T19:00:00.000+00:00", "hour")]
    [InlineData("at 10:30", "2026-11-30T22:30:00.000+00:00", "minute")]
    [InlineData("at 09:15 am", "2026-12-01T09:15:00.000+00:00", "minute")]
    [InlineData("on friday", "2026-12-04T00:00:00.000+00:00", "day")]
    [InlineData("monday at noon", "2026-12-07T12:00:00.000+00:00", "hour")]
    [InlineData("december 3rd", "2026-12-03T00:00:00.000+00:00", "day")]
    [InlineData("3 march", "2027-03-03T00:00:00.000+00:00", "day")]
    [InlineData("in 5 minutes", "2026-11-30T12:05:00.000+00:00", "second")]
    [InlineData("next week", "2026-12-07T00:00:00.000+00:00", "week")]
    public void Times_are_values_with_a_grain_relative_to_the_reference_time(string text, string value, string grain)
    {
        var entity = Single(text, new DucklingSettings(["time"], null));
        Assert.Equal("time", (string?)entity["entity"]);
        Assert.Equal(value, (string?)entity["value"]);
        Assert.Equal(text, (string?)entity["text"]);
        var info = entity["additional_info"]!;
        Assert.Equal(value, (string?)info["value"]);
        Assert.Equal(grain, (string?)info["grain"]);
        Assert.Equal("value", (string?)info["type"]);
        Assert.Equal(value, (string?)info["values"]![0]!["value"]);
    }

    [Fact]
    public void A_part_of_the_day_is_an_interval_and_the_zone_sets_the_offset()
    {
        var tonight = Single("tonight", new DucklingSettings(["time"], null));
        Assert.Equal("2026-11-30T18:00:00.000+00:00", (string?)tonight["value"]!["from"]);
        Assert.Equal("2026-12-01T00:00:00.000+00:00", (string?)tonight["value"]!["to"]);
        Assert.Equal("interval", (string?)tonight["additional_info"]!["type"]);

        var berlin = Single("tomorrow", new DucklingSettings(["time"], "Europe/Berlin"));
        Assert.Equal("2026-12-01T00:00:00.000+01:00", (string?)berlin["value"]);
    }

    [Fact]
    public void Durations_distances_money_and_emails_carry_their_units()
    {
        var duration = Single("for 3 hours", new DucklingSettings(["duration"], null));
        Assert.Equal(3, (long)duration["value"]!);
        Assert.Equal("hour", (string?)duration["additional_info"]!["unit"]);
        Assert.Equal(10800, (long)duration["additional_info"]!["normalized"]!["value"]!);
        Assert.Equal(30, (long)Single("half an hour", new DucklingSettings(["duration"], null))["value"]!);

        var distance = Single("it is 5 km away", new DucklingSettings(["distance"], null));
        Assert.Equal("kilometre", (string?)distance["additional_info"]!["unit"]);
        Assert.Equal("5 km", (string?)distance["text"]);

        Assert.Equal("$", (string?)Single("costs $10", new DucklingSettings(["amount-of-money"], null))["additional_info"]!["unit"]);
        Assert.Equal("EUR", (string?)Single("20 euros", new DucklingSettings(["amount-of-money"], null))["additional_info"]!["unit"]);

        var email = Single("write to ann.lee@example.org please", new DucklingSettings(["email"], null));
        Assert.Equal("ann.lee@example.org", (string?)email["value"]);
    }

    [Fact]
    public void A_match_inside_a_longer_one_is_dropped_and_only_asked_dimensions_are_found()
    {
        var found = DucklingExtractor.Extract("2 people tomorrow at 7", All, Now);
        Assert.Equal(["number", "time"], found.Select(e => e.Entity));
        Assert.Equal("tomorrow at 7", found[1].Text);

        var numbersOnly = DucklingExtractor.Extract("2 people tomorrow at 7", new DucklingSettings(["number"], null), Now);
        Assert.Equal([2L, 7L], numbersOnly.Select(e => (long)e.Value.AsNumber()!));
        Assert.Empty(DucklingExtractor.Extract("hello there", All, Now));
    }

    [Fact]
    public void Long_messages_are_read_in_one_pass()
    {
        // Each scan is linear in the text (no pattern retried from every position, no copy of the rest per match),
        // so a message of 5,000 expressions (220,000 characters) is read like a short one, just longer.
        const int Count = 5_000;
        var text = string.Concat(Enumerable.Repeat("monday at 7 pay $10 to a@b.co in 5 minutes ", Count));
        var found = DucklingExtractor.Extract(text, All, Now);
        Assert.Equal(Count, found.Count(e => e.Entity == "time" && e.Text == "monday at 7"));
        Assert.Equal(Count, found.Count(e => e.Entity == "amount-of-money"));
        Assert.Equal(Count, found.Count(e => e.Entity == "email"));
        Assert.Equal(Count, found.Count(e => e.Entity == "time" && e.Text == "in 5 minutes"));

        var noAddress = new string('a', 200_000) + "@";
        Assert.Empty(DucklingExtractor.Extract(noAddress, new DucklingSettings(["email"], null), Now));
    }

    [Fact]
    public void The_config_selects_it_with_its_dimensions_and_warns_about_what_it_does_not_use()
    {
        var data = TrainingDataReader.FromYaml("""
            pipeline:
              - name: WhitespaceTokenizer
              - name: DucklingEntityExtractor
                url: http://localhost:8000
                dimensions: [number, temperature]
            intents: [a, b]
            nlu:
              - intent: a
                examples: |
                  - one
              - intent: b
                examples: |
                  - two
            """);
        Assert.Equal(["number", "temperature"], data.Config.Nlu.Duckling!.Dimensions);
        Assert.Contains(data.Warnings, w => w.Contains("dimension 'temperature'", StringComparison.Ordinal));
        Assert.Contains(data.Warnings, w => w.Contains("url is not used", StringComparison.Ordinal));
    }
}
